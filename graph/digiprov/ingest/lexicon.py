"""Built-in word lists for Chinese policy text: places with GB/T 2260 codes, document types,
units, qualifiers, roles, surnames and the verbs that end a name on its left."""

from __future__ import annotations

# Province-level divisions: short name -> (full name, GB/T 2260 code, English).
PROVINCES: dict[str, tuple[str, str, str]] = {
    "北京": ("北京市", "110000", "Beijing"), "天津": ("天津市", "120000", "Tianjin"),
    "河北": ("河北省", "130000", "Hebei Province"), "山西": ("山西省", "140000", "Shanxi Province"),
    "内蒙古": ("内蒙古自治区", "150000", "Inner Mongolia"),
    "辽宁": ("辽宁省", "210000", "Liaoning Province"), "吉林": ("吉林省", "220000", "Jilin Province"),
    "黑龙江": ("黑龙江省", "230000", "Heilongjiang Province"),
    "上海": ("上海市", "310000", "Shanghai"), "江苏": ("江苏省", "320000", "Jiangsu Province"),
    "浙江": ("浙江省", "330000", "Zhejiang Province"), "安徽": ("安徽省", "340000", "Anhui Province"),
    "福建": ("福建省", "350000", "Fujian Province"), "江西": ("江西省", "360000", "Jiangxi Province"),
    "山东": ("山东省", "370000", "Shandong Province"), "河南": ("河南省", "410000", "Henan Province"),
    "湖北": ("湖北省", "420000", "Hubei Province"), "湖南": ("湖南省", "430000", "Hunan Province"),
    "广东": ("广东省", "440000", "Guangdong Province"),
    "广西": ("广西壮族自治区", "450000", "Guangxi"), "海南": ("海南省", "460000", "Hainan Province"),
    "重庆": ("重庆市", "500000", "Chongqing"), "四川": ("四川省", "510000", "Sichuan Province"),
    "贵州": ("贵州省", "520000", "Guizhou Province"), "云南": ("云南省", "530000", "Yunnan Province"),
    "西藏": ("西藏自治区", "540000", "Tibet"), "陕西": ("陕西省", "610000", "Shaanxi Province"),
    "甘肃": ("甘肃省", "620000", "Gansu Province"), "青海": ("青海省", "630000", "Qinghai Province"),
    "宁夏": ("宁夏回族自治区", "640000", "Ningxia"), "新疆": ("新疆维吾尔自治区", "650000", "Xinjiang"),
    "台湾": ("台湾省", "710000", "Taiwan"), "香港": ("香港特别行政区", "810000", "Hong Kong"),
    "澳门": ("澳门特别行政区", "820000", "Macao"),
}
# Municipalities are province-level but are written "X市".
MUNICIPALITIES = {"北京", "天津", "上海", "重庆"}

# Prefecture-level cities (short name -> code, English); the provinces of the corpus plus
# provincial capitals and sub-provincial cities. Unknown "X市" names are still found by pattern.
CITIES: dict[str, tuple[str, str]] = {
    "济南": ("370100", "Jinan"), "青岛": ("370200", "Qingdao"), "淄博": ("370300", "Zibo"),
    "枣庄": ("370400", "Zaozhuang"), "东营": ("370500", "Dongying"), "烟台": ("370600", "Yantai"),
    "潍坊": ("370700", "Weifang"), "济宁": ("370800", "Jining"), "泰安": ("370900", "Tai'an"),
    "威海": ("371000", "Weihai"), "日照": ("371100", "Rizhao"), "临沂": ("371300", "Linyi"),
    "德州": ("371400", "Dezhou"), "聊城": ("371500", "Liaocheng"), "滨州": ("371600", "Binzhou"),
    "菏泽": ("371700", "Heze"),
    "杭州": ("330100", "Hangzhou"), "宁波": ("330200", "Ningbo"), "温州": ("330300", "Wenzhou"),
    "嘉兴": ("330400", "Jiaxing"), "湖州": ("330500", "Huzhou"), "绍兴": ("330600", "Shaoxing"),
    "金华": ("330700", "Jinhua"), "衢州": ("330800", "Quzhou"), "舟山": ("330900", "Zhoushan"),
    "台州": ("331000", "Taizhou"), "丽水": ("331100", "Lishui"),
    "广州": ("440100", "Guangzhou"), "深圳": ("440300", "Shenzhen"), "南京": ("320100", "Nanjing"),
    "苏州": ("320500", "Suzhou"), "武汉": ("420100", "Wuhan"), "成都": ("510100", "Chengdu"),
    "西安": ("610100", "Xi'an"), "沈阳": ("210100", "Shenyang"), "大连": ("210200", "Dalian"),
    "厦门": ("350200", "Xiamen"), "福州": ("350100", "Fuzhou"), "合肥": ("340100", "Hefei"),
    "郑州": ("410100", "Zhengzhou"), "长沙": ("430100", "Changsha"),
}

# Document types, longest first wins: suffix -> (concept key, zh label, English).
DOC_TYPES: list[tuple[str, str, str]] = [
    ("行动计划", "doctype-action-plan", "Action plan"),
    ("实施方案", "doctype-implementation-plan", "Implementation plan"),
    ("指导意见", "doctype-guiding-opinion", "Guiding opinion"),
    ("实施意见", "doctype-implementing-opinion", "Implementing opinion"),
    ("工作要点", "doctype-work-points", "Work points"),
    ("规划纲要", "doctype-plan-outline", "Plan outline"),
    ("管理办法", "doctype-measures", "Measures"),
    ("实施办法", "doctype-measures", "Measures"),
    ("暂行条例", "doctype-regulations", "Regulations"),
    ("实施计划", "doctype-implementing-plan", "Implementing plan"),
    ("年度报告", "doctype-report", "Report"),
    ("规划", "doctype-plan", "Plan"), ("方案", "doctype-scheme", "Scheme"),
    ("意见", "doctype-opinion", "Opinion"), ("办法", "doctype-measures", "Measures"),
    ("计划", "doctype-action-plan", "Action plan"), ("要点", "doctype-work-points", "Work points"),
    ("报告", "doctype-report", "Report"), ("建议", "doctype-recommendation", "Recommendations"),
    ("条例", "doctype-regulations", "Regulations"), ("规定", "doctype-provisions", "Provisions"),
    ("通知", "doctype-notice", "Notice"), ("决定", "doctype-decision", "Decision"),
    ("目录", "doctype-catalogue", "Catalogue"), ("纲要", "doctype-plan-outline", "Plan outline"),
]
# The zh label each concept key carries in the seeds (a suffix like 管理办法 maps to 办法).
DOC_TYPE_ZH = {"doctype-action-plan": "行动计划", "doctype-implementation-plan": "实施方案",
               "doctype-guiding-opinion": "指导意见", "doctype-implementing-opinion": "实施意见",
               "doctype-work-points": "工作要点", "doctype-plan-outline": "规划纲要",
               "doctype-measures": "办法", "doctype-regulations": "条例", "doctype-report": "报告",
               "doctype-plan": "规划", "doctype-scheme": "方案", "doctype-opinion": "意见",
               "doctype-recommendation": "建议", "doctype-provisions": "规定",
               "doctype-notice": "通知", "doctype-decision": "决定",
               "doctype-catalogue": "目录", "doctype-implementing-plan": "实施计划"}

# Units as written -> (concept key, zh label of the concept, English, multiplier applied to
# the value). "万" before a counter is folded into the value (7万家 -> 70000 家), as the seeds do.
UNITS: dict[str, tuple[str, str, str]] = {
    "万亿元": ("unit-trillion-yuan", "万亿元", "trillion yuan"),
    "亿元": ("unit-100m-yuan", "亿元", "hundred million yuan"),
    "万元": ("unit-10k-yuan", "万元", "ten thousand yuan"),
    "%": ("unit-percent", "百分比", "percent"),
    "项": ("unit-item", "项", "items"), "个": ("unit-count", "个", "count"),
    "家": ("unit-establishment", "家", "establishments"), "类": ("unit-category", "类", "categories"),
    "件": ("unit-piece", "件", "pieces"), "次": ("unit-times", "次", "times"),
    "人次": ("unit-person-times", "人次", "person-times"), "张": ("unit-sheet", "张", "sheets"),
    "台": ("unit-machine", "台", "machines"), "条": ("unit-line", "条", "lines"),
    "门": ("unit-course", "门", "courses"), "场": ("unit-session", "场", "sessions"),
    "公里": ("unit-km", "公里", "kilometres"), "期": ("unit-issue", "期", "issues"),
    "名": ("unit-person", "名", "persons"), "M": ("unit-mbps", "兆比特每秒", "megabits per second"), "人": ("unit-person", "名", "persons"),
}
UNIT_RANK = ("unit-rank", "名次", "rank")
# Qualifier words -> (concept key, zh, English, symbol); the seeds' concepts use these keys.
QUALIFIERS = {
    "more": ("qualifier-more-than", "超过", "more than", ">"),
    "nearly": ("qualifier-nearly", "近", "nearly", "≈"),
    "exactly": ("qualifier-exactly", "精确", "exactly", "="),
}
QUAL_BEFORE = {"突破": "more", "超过": "more", "超": "more", "逾": "more", "达到": "exactly",
               "达": "exactly", "近": "nearly", "接近": "nearly", "约": "nearly", "累计达到": "exactly",
               "累计": "exactly", "共": "exactly", "高于": "more", "多于": "more"}
QUAL_AFTER = {"以上": "more", "余": "more", "多": "more", "左右": "nearly", "上下": "nearly"}

CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "十": 10}

# Positions: longest first.
ROLES: dict[str, str] = {
    "党组书记": "Party secretary", "一级巡视员": "Level-1 Inspector",
    "二级巡视员": "Level-2 Inspector", "一级调研员": "Level-1 Researcher",
    "二级调研员": "Level-2 Researcher", "副研究员": "Associate Research Fellow",
    "研究员": "Research Fellow", "副局长": "Deputy Director-General", "局长": "Director-General",
    "副厅长": "Deputy Director", "厅长": "Director", "副主任": "Deputy Director",
    "主任": "Director", "副处长": "Deputy Division Chief", "处长": "Division Chief",
    "副省长": "Vice Governor", "省长": "Governor", "副市长": "Vice Mayor", "市长": "Mayor",
    "副书记": "Deputy Secretary", "书记": "Secretary", "副院长": "Vice President",
    "院长": "President", "董事长": "Chairman", "总经理": "General Manager",
    "副部长": "Vice Minister", "部长": "Minister", "秘书长": "Secretary-General",
    "教授": "Professor", "巡视员": "Inspector", "主席": "Chairman",
}
ROLE_KEYS = {"副局长": "role-deputy-director-general", "二级巡视员": "role-level-2-inspector",
             "研究员": "role-research-fellow"}
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤廉常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳"
    "甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解"
    "牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边"
    "卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
SPEECH_VERBS = ("提到", "指出", "表示", "介绍", "说", "认为", "强调", "给出", "称", "谈到", "透露")

# Words that end a name on its left (a verb or a function word before the name).
LEFT_STOP = (
    "组织开展", "深入推进", "加快推进", "加快建设", "全面推进", "大力发展", "加快发展", "积极发挥",
    "进一步", "持续推进", "持续开展", "深入实施", "依托", "实施", "开展", "推进", "推动", "推行",
    "深化", "加快", "加强", "启动", "打造", "构建", "搭建", "完善", "建成", "建设", "上线", "创新",
    "升级", "培育", "邀请", "通过", "形成", "成立", "组建", "支持", "引导", "强化", "做强", "完成",
    "提升", "优化", "发挥", "承办", "运用", "利用", "借助", "基于", "面向", "围绕", "聚焦", "为",
    "在", "的", "和", "与", "及", "以及", "对", "将", "把", "由", "向", "从", "是", "等", "至",
    "了", "并", "也", "还", "已", "已经", "正", "正在", "共", "全面", "积极", "主动", "率先",
    "省内", "原来", "入选", "印发", "出台", "发布", "制定", "编制", "贯彻", "落实", "公开",
    "根据", "按照", "迭代", "抓好", "做好", "持续", "争取", "力争", "探索", "组织", "举办",
)
