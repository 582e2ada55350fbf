"""One frozen config for the whole pipeline: a field per stage, each documented there."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.cluster import ClusterConfig
from pipeline.fingerprint import FingerprintConfig
from pipeline.read import ReadConfig
from pipeline.repair import RepairConfig
from pipeline.split import SplitConfig
from pipeline.strip import StripConfig
from pipeline.unspin import UnspinConfig
from pipeline.write import WriteConfig


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Every stage's config. Override one with `dataclasses.replace`."""

    read: ReadConfig = field(default_factory=ReadConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    strip: StripConfig = field(default_factory=StripConfig)
    repair: RepairConfig = field(default_factory=RepairConfig)
    unspin: UnspinConfig = field(default_factory=UnspinConfig)
    fingerprint: FingerprintConfig = field(default_factory=FingerprintConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    write: WriteConfig = field(default_factory=WriteConfig)


DEFAULT_CONFIG = PipelineConfig()
