"""The seed trade taxonomy (工种), after ../shared/DOMAIN.md, with the pay units each trade allows.

Each trade carries a demo pay range per unit (元), used by the demo data and as a first
wage guide; these are demo ranges, not an official guide.
"""

H, D, P, J = "hour", "day", "piece", "job"

# (group code, group name, English, [(trade code, name, English, units, piece label, {unit: (low, high)})])
TAXONOMY = [
    ("construction", "建筑工程", "Construction", [
        ("labourer", "小工/力工", "General labourer", [D, H], "", {D: (160, 200), H: (22, 28)}),
        ("bricklayer", "泥瓦工", "Bricklayer", [D, J], "", {D: (250, 350), J: (800, 3000)}),
        ("carpenter", "木工", "Carpenter", [D, J], "", {D: (250, 350), J: (800, 3000)}),
        ("rebar", "钢筋工", "Rebar worker", [D], "", {D: (250, 320)}),
        ("scaffolder", "架子工", "Scaffolder", [D], "", {D: (250, 330)}),
        ("welder", "电焊工", "Welder", [D, J], "", {D: (260, 350), J: (300, 1500)}),
        ("painter", "油漆工", "Painter", [D, J], "", {D: (220, 300), J: (500, 2500)}),
        ("waterproofer", "防水工", "Waterproofer", [D, J], "", {D: (220, 300), J: (500, 2500)}),
    ]),
    ("renovation", "装修维修", "Renovation and repair", [
        ("plumber_electrician", "水电工", "Plumber-electrician", [D, J], "", {D: (250, 350), J: (100, 800)}),
        ("electrician", "电工", "Electrician", [D, J, H], "", {D: (250, 350), J: (80, 600), H: (35, 50)}),
        ("plasterer", "腻子工", "Plasterer", [D, J], "", {D: (220, 300), J: (500, 2000)}),
        ("drain_clearing", "管道疏通", "Drain clearing", [J], "", {J: (80, 200)}),
        ("appliance_repair", "家电维修", "Appliance repair", [J], "", {J: (60, 300)}),
        ("locksmith", "开锁换锁", "Locksmith", [J], "", {J: (50, 200)}),
    ]),
    ("housekeeping", "家政服务", "Housekeeping", [
        ("cleaner", "保洁员", "Cleaner", [H, D], "", {H: (22, 30), D: (160, 220)}),
        ("hourly_help", "钟点工", "Hourly home help", [H], "", {H: (25, 35)}),
        ("nanny", "保姆", "Nanny", [D], "", {D: (160, 250)}),
        ("maternity_nurse", "月嫂", "Maternity nurse", [D], "", {D: (300, 450)}),
        ("carer", "护工/陪护", "Carer", [D, H], "", {D: (180, 260), H: (25, 35)}),
    ]),
    ("logistics", "搬运物流", "Moving and logistics", [
        ("loader", "装卸搬运工", "Loader", [D, H], "", {D: (160, 220), H: (25, 35)}),
        ("mover", "搬家", "Mover", [J, H], "", {J: (200, 800), H: (30, 40)}),
        ("courier", "配送员", "Courier", [P, D], "单", {P: (5, 9), D: (160, 220)}),
        ("warehouse_sorter", "仓库分拣", "Warehouse sorter", [H, D], "", {H: (20, 28), D: (160, 200)}),
    ]),
    ("catering", "餐饮服务", "Catering", [
        ("cook", "厨师", "Cook", [D], "", {D: (180, 250)}),
        ("kitchen_helper", "帮厨/洗碗工", "Kitchen helper", [D, H], "", {D: (160, 200), H: (20, 26)}),
        ("waiter", "服务员", "Waiter", [H, D], "", {H: (20, 25), D: (160, 190)}),
        ("runner", "传菜员", "Food runner", [H, D], "", {H: (20, 25), D: (160, 180)}),
    ]),
    ("security_events", "安保会务", "Security and events", [
        ("security_guard", "保安", "Security guard", [D], "", {D: (160, 180)}),
        ("event_staff", "活动临时工", "Event staff", [D, H], "", {D: (160, 220), H: (22, 30)}),
        ("etiquette", "礼仪", "Etiquette staff", [D, H], "", {D: (200, 300), H: (30, 45)}),
    ]),
    ("agriculture", "农业季节工", "Seasonal farm work", [
        ("apple_bagging", "苹果套袋", "Apple bagging", [P, D], "袋", {P: (0.08, 0.10), D: (170, 220)}),
        ("apple_picking", "摘苹果", "Apple picking", [D], "", {D: (160, 200)}),
        ("orchard_pruning", "果园修剪", "Orchard pruning", [D], "", {D: (170, 220)}),
        ("walnut_harvest", "核桃采收", "Walnut harvest", [D, P], "斤", {D: (160, 200), P: (0.5, 1.0)}),
        ("greenhouse", "大棚用工", "Greenhouse work", [D, H], "", {D: (160, 200), H: (21, 26)}),
    ]),
    ("factory", "工厂普工", "Factory work", [
        ("general_worker", "普工", "General factory worker", [H, D], "", {H: (21, 26), D: (170, 210)}),
        ("packer", "包装工", "Packer", [H, D, P], "件", {H: (21, 26), D: (170, 210), P: (0.2, 0.5)}),
        ("inspector", "质检", "Quality inspector", [H, D], "", {H: (22, 28), D: (180, 230)}),
    ]),
]
