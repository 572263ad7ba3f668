"""Policy answers for the demo: plain-words summaries of national rules, each naming the document it rests on.
Marked as demo content: a city replaces them with its own bureau's current texts."""

from policy.models import Article, Topic

ARTICLES = [
    (Topic.SOCIAL_INSURANCE, Article.Kind.ARTICLE, "灵活就业人员怎样参加养老保险和医疗保险",
     "打零工、没有固定单位的人，可以以个人身份参加企业职工基本养老保险和职工基本医疗保险，自己按月或按年缴费。\n"
     "可以在户籍地参保，也可以在就业地参保（就业地参保的户籍限制已逐步放开，以当地规定为准）。"
     "缴费基数一般可在当地规定的上下限之间自己选择。\n"
     "办理：到当地社保经办机构或税务部门窗口，或用当地的社保线上服务；零工服务中心可以帮您问清楚、带您办理。",
     "《国务院办公厅关于支持多渠道灵活就业的意见》（国办发〔2020〕27号）"),
    (Topic.SOCIAL_INSURANCE, Article.Kind.FAQ, "打零工交社保，有补贴吗？",
     "符合条件的就业困难人员实现灵活就业并缴纳社会保险费的，可以按规定申请灵活就业社会保险补贴，"
     "一般是先缴费、后补贴，补贴期限有上限。哪些人算就业困难人员、补多少，以当地人社部门的规定为准。"
     "可以到零工服务中心或拨打 12333 咨询。",
     "《就业补助资金管理办法》（财社〔2017〕164号）"),
    (Topic.WAGE_PROTECTION, Article.Kind.ARTICLE, "干完活被拖欠工资怎么办",
     "1. 留好证据：用工约定、签到签退记录、聊天记录、转账记录、现场照片。本平台上的工资记录、签到签退和"
     "工资确认或争议，都可以作为证据。\n"
     "2. 先和用工方协商；在平台上对工资点“有争议”，零工服务中心会看到并协助调解。\n"
     "3. 协商不成，拨打 12333 或到当地劳动保障监察机构投诉；也可以申请劳动争议仲裁。",
     "《保障农民工工资支付条例》（国务院令第724号，2020年5月1日起施行）"),
    (Topic.WAGE_PROTECTION, Article.Kind.FAQ, "按小时干零活，工资最低不能低于多少？",
     "按小时计酬的，不得低于当地的小时最低工资标准。陕西省各地的标准以省政府最新公布的为准。"
     "在本平台发布的活，工价低于当地最低工资标准时会被拒绝并提示标准是多少。",
     "《最低工资规定》（劳动和社会保障部令第21号）"),
    (Topic.TRAINING_SUBSIDY, Article.Kind.ARTICLE, "参加职业技能培训能拿补贴吗",
     "符合条件的劳动者参加职业技能培训，取得职业资格证书、职业技能等级证书、专项职业能力证书或培训合格证书的，"
     "可以按规定申请职业培训补贴。补贴对象、标准和申领办法以当地人社部门规定为准。\n"
     "零工服务中心开设的技能培训课程可以在本平台报名，也可以到窗口报名。",
     "《职业技能提升行动方案（2019—2021年）》（国办发〔2019〕24号）及当地实施办法"),
    (Topic.INJURY_PROTECTION, Article.Kind.ARTICLE, "干活时受伤了怎么办",
     "1. 先就医，保留病历、诊断证明和票据。\n"
     "2. 及时告诉用工方，保留当时的聊天记录、照片和证人联系方式。\n"
     "3. 与用工单位存在劳动关系的，可以依法申请工伤认定。以个人身份打零工的，建议自己购买意外伤害保险。\n"
     "4. 新就业形态就业人员职业伤害保障正在部分地区和平台试点，是否覆盖您，以人社部门公布的为准。",
     "《工伤保险条例》；《新就业形态就业人员职业伤害保障办法（试行）》"),
    (Topic.OTHER, Article.Kind.FAQ, "到零工服务中心登记要带什么？没有智能手机可以吗？",
     "带上身份证即可。没有智能手机也可以登记：工作人员帮您录入会做的工种和期望工价，在大厅现场帮您对接活，"
     "并打印派工单，上面有工地地址、工价和用工方联系方式。",
     "零工服务中心服务指南（示例）"),
]


def load_policy_articles() -> int:
    """Idempotent: an article already there (same title) is left as it is."""
    created = 0
    for topic, kind, title, body, source in ARTICLES:
        _article, made = Article.objects.get_or_create(
            title=title, defaults={"topic": topic, "kind": kind, "body": body, "source": source, "is_demo": True})
        created += made
    return created
