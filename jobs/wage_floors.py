"""Shaanxi's minimum wage by area class, kept as data with its source (loaded into WageFloor).

The hourly figures are those of the 2023 standard named in DOMAIN.md (21/20/19 元 per hour,
monthly 2160/2050/1950 元). The class of each Tongchuan district here is a demo assumption:
every row is marked as needing verification against the current official notice.
"""

import datetime as dt
from decimal import Decimal

SOURCE = "陕西省最低工资标准（2023年，示例数据，需对照现行官方通知核实）"
EFFECTIVE_FROM = dt.date(2023, 5, 1)

AREA_CLASSES = {
    "一类": (Decimal("21.00"), Decimal("2160.00")),
    "二类": (Decimal("20.00"), Decimal("2050.00")),
    "三类": (Decimal("19.00"), Decimal("1950.00")),
}

# region code → area class (demo assumption, see module docstring)
TONGCHUAN_REGIONS = {
    "610202": "二类",  # 王益区
    "610203": "二类",  # 印台区
    "610204": "二类",  # 耀州区
    "610222": "三类",  # 宜君县
    "610000": "三类",  # anywhere else in Shaanxi: the lowest class as the floor
}
