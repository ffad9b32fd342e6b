"""Models of 执法监督: one module per part of issue 16, each imported here with one line."""

from .models_evaluation import *  # noqa: F403  (案卷评查, ADR 0160)
from .models_notices import *  # noqa: F403  督办、问责、年度目标考核
from .models_people import *  # noqa: F403  培训、执法证申领与年审、法律职业资格
from .models_statistics import *  # noqa: F403  执法统计计数（ADR 0172）
