"""newsclean's library: one module per stage of the path of an article.

read -> split -> strip -> repair (+ unspin) -> fingerprint -> cluster -> write.
Pure, batch-first functions over the dataclasses in `pipeline.model`; no Prefect here.
"""

__version__ = "0.1.0"
