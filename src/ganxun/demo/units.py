"""The shape of the demo's organisation tree: which units a city, a county and a township hold.

Name templates use ``{r}`` for the region's full name (示例市, 东城区, 青石市) and ``{s}`` for its short
name (示例). Codes are the region's code plus the unit's suffix (``4199JYJ``, ``419901CZJ``); townships
add three digits to their county's code and communities three more, as the statistical codes do.
"""

from dataclasses import dataclass

from ganxun.orgs.models import OrgType

AGENCY = OrgType.AGENCY
PUBLIC = OrgType.PUBLIC_INSTITUTION
ENTERPRISE = OrgType.STATE_ENTERPRISE
UNIVERSITY = OrgType.UNIVERSITY

# Unit kinds decide categories and titles: party and government organs staff civil servants; the
# others staff professionals under institution or enterprise leaders.
PARTY, GOV, INSTITUTION, PARTY_SCHOOL, COLLEGE, ENTERPRISE_KIND, ORG_DEPT = (
    "party", "gov", "institution", "party_school", "university", "enterprise", "org_dept")


@dataclass(frozen=True)
class UnitDef:
    code: str
    name: str
    org_type: str
    weight: float
    kind: str
    head: str
    deputy: str
    # False where the unit's real 一把手 is a standing-committee member on the local team (组织部长 …).
    head_is_principal: bool = True
    staff_titles: tuple[str, ...] = ()


DOCTORS = ("主任医师", "副主任医师", "主治医师", "医师", "主管护师", "护师")
TEACHERS = ("高级教师", "一级教师", "二级教师")
LECTURERS = ("教授", "副教授", "讲师", "助教")
ENGINEERS = ("部门经理", "高级工程师", "工程师", "会计师", "经济师")
SCHOOL_STAFF = ("教授", "副教授", "讲师", "教务员")

# City-level units, most important first: a smaller demo takes a prefix of this list.
CITY_UNITS = (
    UnitDef("SWB", "{r}委办公室", AGENCY, 1.6, PARTY, "主任", "副主任"),
    UnitDef("ZFB", "{r}人民政府办公室", AGENCY, 1.8, GOV, "主任", "副主任"),
    UnitDef("FGW", "{r}发展和改革委员会", AGENCY, 1.7, GOV, "主任", "副主任"),
    UnitDef("JYJ", "{r}教育局", AGENCY, 2.0, GOV, "局长", "副局长"),
    UnitDef("CZJ", "{r}财政局", AGENCY, 1.6, GOV, "局长", "副局长"),
    UnitDef("DX", "中共{r}委党校", PUBLIC, 1.2, PARTY_SCHOOL, "常务副校长", "副校长", staff_titles=SCHOOL_STAFF),
    UnitDef("WJW", "{r}卫生健康委员会", AGENCY, 1.4, GOV, "主任", "副主任"),
    UnitDef("GX", "{s}大学", UNIVERSITY, 3.0, COLLEGE, "党委书记", "副校长", staff_titles=LECTURERS),
    UnitDef("RMYY", "{r}第一人民医院", PUBLIC, 3.2, INSTITUTION, "院长", "副院长", staff_titles=DOCTORS),
    UnitDef("TZB", "中共{r}委统一战线工作部", AGENCY, 0.8, PARTY, "常务副部长", "副部长", head_is_principal=False),
    UnitDef("TZJT", "{r}投资集团有限公司", ENTERPRISE, 1.6, ENTERPRISE_KIND, "党委书记、董事长", "副总经理",
            staff_titles=ENGINEERS),
    UnitDef("JW", "{r}纪委监委", AGENCY, 1.5, PARTY, "常务副书记", "副书记", head_is_principal=False),
    UnitDef("XCB", "中共{r}委宣传部", AGENCY, 0.8, PARTY, "常务副部长", "副部长", head_is_principal=False),
    UnitDef("ZFW", "中共{r}委政法委员会", AGENCY, 0.8, PARTY, "常务副书记", "副书记", head_is_principal=False),
    UnitDef("RD", "{r}人大常委会办公室", AGENCY, 0.9, PARTY, "主任", "副主任"),
    UnitDef("ZX", "{r}政协办公室", AGENCY, 0.8, PARTY, "主任", "副主任"),
    UnitDef("BB", "中共{r}委机构编制委员会办公室", AGENCY, 0.5, PARTY, "主任", "副主任"),
    UnitDef("JGGW", "中共{r}直属机关工作委员会", AGENCY, 0.5, PARTY, "常务副书记", "副书记"),
    UnitDef("KJJ", "{r}科学技术局", AGENCY, 0.8, GOV, "局长", "副局长"),
    UnitDef("GXJ", "{r}工业和信息化局", AGENCY, 1.0, GOV, "局长", "副局长"),
    UnitDef("GAJ", "{r}公安局", AGENCY, 3.5, GOV, "局长", "副局长"),
    UnitDef("MZJ", "{r}民政局", AGENCY, 0.9, GOV, "局长", "副局长"),
    UnitDef("SFJ", "{r}司法局", AGENCY, 0.9, GOV, "局长", "副局长"),
    UnitDef("RSJ", "{r}人力资源和社会保障局", AGENCY, 1.3, GOV, "局长", "副局长"),
    UnitDef("ZRZY", "{r}自然资源和规划局", AGENCY, 1.4, GOV, "局长", "副局长"),
    UnitDef("STHJ", "{r}生态环境局", AGENCY, 1.0, GOV, "局长", "副局长"),
    UnitDef("ZJJ", "{r}住房和城乡建设局", AGENCY, 1.2, GOV, "局长", "副局长"),
    UnitDef("JTJ", "{r}交通运输局", AGENCY, 1.1, GOV, "局长", "副局长"),
    UnitDef("SLJ", "{r}水利局", AGENCY, 0.9, GOV, "局长", "副局长"),
    UnitDef("NYNC", "{r}农业农村局", AGENCY, 1.3, GOV, "局长", "副局长"),
    UnitDef("SWJ", "{r}商务局", AGENCY, 0.8, GOV, "局长", "副局长"),
    UnitDef("WGL", "{r}文化广电和旅游局", AGENCY, 0.9, GOV, "局长", "副局长"),
    UnitDef("TYJR", "{r}退役军人事务局", AGENCY, 0.6, GOV, "局长", "副局长"),
    UnitDef("YJJ", "{r}应急管理局", AGENCY, 0.9, GOV, "局长", "副局长"),
    UnitDef("SJJ", "{r}审计局", AGENCY, 0.8, GOV, "局长", "副局长"),
    UnitDef("SCJG", "{r}市场监督管理局", AGENCY, 1.6, GOV, "局长", "副局长"),
    UnitDef("TJJ", "{r}统计局", AGENCY, 0.6, GOV, "局长", "副局长"),
    UnitDef("YBJ", "{r}医疗保障局", AGENCY, 0.6, GOV, "局长", "副局长"),
    UnitDef("XFJ", "{r}信访局", AGENCY, 0.5, GOV, "局长", "副局长"),
    UnitDef("CGJ", "{r}城市管理局", AGENCY, 1.2, GOV, "局长", "副局长"),
    UnitDef("JKZX", "{r}疾病预防控制中心", PUBLIC, 1.0, INSTITUTION, "主任", "副主任", staff_titles=DOCTORS),
    UnitDef("YZ", "{r}第一高级中学", PUBLIC, 1.5, INSTITUTION, "校长", "副校长", staff_titles=TEACHERS),
    UnitDef("RMT", "{r}融媒体中心", PUBLIC, 0.8, INSTITUTION, "主任", "副主任"),
    UnitDef("CT", "{r}城市建设投资有限公司", ENTERPRISE, 1.2, ENTERPRISE_KIND, "党委书记、董事长", "副总经理",
            staff_titles=ENGINEERS),
    UnitDef("SW", "{r}水务集团有限公司", ENTERPRISE, 1.0, ENTERPRISE_KIND, "党委书记、董事长", "副总经理",
            staff_titles=ENGINEERS),
    UnitDef("ZYXY", "{s}职业技术学院", UNIVERSITY, 1.6, COLLEGE, "党委书记", "副院长", staff_titles=LECTURERS),
)

COUNTY_UNITS = (
    UnitDef("WB", "{r}委办公室", AGENCY, 1.2, PARTY, "主任", "副主任"),
    UnitDef("ZFB", "{r}人民政府办公室", AGENCY, 1.3, GOV, "主任", "副主任"),
    UnitDef("DX", "中共{r}委党校", PUBLIC, 0.8, PARTY_SCHOOL, "常务副校长", "副校长", staff_titles=SCHOOL_STAFF),
    UnitDef("JYJ", "{r}教育局", AGENCY, 1.5, GOV, "局长", "副局长"),
    UnitDef("CZJ", "{r}财政局", AGENCY, 1.3, GOV, "局长", "副局长"),
    UnitDef("NYNC", "{r}农业农村局", AGENCY, 1.3, GOV, "局长", "副局长"),
    UnitDef("WJW", "{r}卫生健康委员会", AGENCY, 1.0, GOV, "主任", "副主任"),
    UnitDef("RMYY", "{r}人民医院", PUBLIC, 2.2, INSTITUTION, "院长", "副院长", staff_titles=DOCTORS),
    UnitDef("FGW", "{r}发展和改革委员会", AGENCY, 1.1, GOV, "主任", "副主任"),
    UnitDef("JW", "{r}纪委监委", AGENCY, 1.1, PARTY, "常务副书记", "副书记", head_is_principal=False),
    UnitDef("XCB", "中共{r}委宣传部", AGENCY, 0.6, PARTY, "常务副部长", "副部长", head_is_principal=False),
    UnitDef("TZB", "中共{r}委统一战线工作部", AGENCY, 0.5, PARTY, "常务副部长", "副部长", head_is_principal=False),
    UnitDef("ZFW", "中共{r}委政法委员会", AGENCY, 0.6, PARTY, "常务副书记", "副书记", head_is_principal=False),
    UnitDef("RD", "{r}人大常委会办公室", AGENCY, 0.6, PARTY, "主任", "副主任"),
    UnitDef("ZX", "{r}政协办公室", AGENCY, 0.5, PARTY, "主任", "副主任"),
    UnitDef("GAJ", "{r}公安局", AGENCY, 2.8, GOV, "局长", "副局长"),
    UnitDef("MZJ", "{r}民政局", AGENCY, 0.7, GOV, "局长", "副局长"),
    UnitDef("RSJ", "{r}人力资源和社会保障局", AGENCY, 0.9, GOV, "局长", "副局长"),
    UnitDef("ZRZY", "{r}自然资源局", AGENCY, 1.0, GOV, "局长", "副局长"),
    UnitDef("ZJJ", "{r}住房和城乡建设局", AGENCY, 0.9, GOV, "局长", "副局长"),
    UnitDef("JTJ", "{r}交通运输局", AGENCY, 0.8, GOV, "局长", "副局长"),
    UnitDef("SLJ", "{r}水利局", AGENCY, 0.8, GOV, "局长", "副局长"),
    UnitDef("SCJG", "{r}市场监督管理局", AGENCY, 1.2, GOV, "局长", "副局长"),
    UnitDef("YJJ", "{r}应急管理局", AGENCY, 0.6, GOV, "局长", "副局长"),
    UnitDef("SJJ", "{r}审计局", AGENCY, 0.6, GOV, "局长", "副局长"),
    UnitDef("YZ", "{r}第一高级中学", PUBLIC, 1.2, INSTITUTION, "校长", "副校长", staff_titles=TEACHERS),
    UnitDef("CT", "{r}城市建设投资有限公司", ENTERPRISE, 0.8, ENTERPRISE_KIND, "党委书记、董事长", "副总经理",
            staff_titles=ENGINEERS),
    UnitDef("STHJ", "{r}生态环境分局", AGENCY, 0.6, GOV, "局长", "副局长"),
)

PROVINCE_UNITS = (
    UnitDef("DX", "中共河南省委党校", PUBLIC, 1.6, PARTY_SCHOOL, "常务副校长", "副校长", staff_titles=SCHOOL_STAFF),
    UnitDef("SWBGT", "中共河南省委办公厅", AGENCY, 1.4, PARTY, "主任", "副主任"),
    UnitDef("ZFBGT", "河南省人民政府办公厅", AGENCY, 1.4, GOV, "主任", "副主任"),
    UnitDef("FGW", "河南省发展和改革委员会", AGENCY, 1.6, GOV, "主任", "副主任"),
    UnitDef("JYT", "河南省教育厅", AGENCY, 1.4, GOV, "厅长", "副厅长"),
    UnitDef("CZT", "河南省财政厅", AGENCY, 1.4, GOV, "厅长", "副厅长"),
    UnitDef("RST", "河南省人力资源和社会保障厅", AGENCY, 1.2, GOV, "厅长", "副厅长"),
    UnitDef("WJW", "河南省卫生健康委员会", AGENCY, 1.2, GOV, "主任", "副主任"),
    UnitDef("NYNCT", "河南省农业农村厅", AGENCY, 1.2, GOV, "厅长", "副厅长"),
    UnitDef("JTT", "河南省交通运输厅", AGENCY, 1.1, GOV, "厅长", "副厅长"),
    UnitDef("ZRZYT", "河南省自然资源厅", AGENCY, 1.1, GOV, "厅长", "副厅长"),
    UnitDef("SCJG", "河南省市场监督管理局", AGENCY, 1.1, GOV, "局长", "副局长"),
)
# The province party school is always there (it owns 河南省委党校); the rest only at province size.
PROVINCE_ALWAYS = 1

# Fictional cities of 河南省 (codes 4191–4199 are not used by any real prefecture; 4190 is).
CITIES = (
    ("4199", "示例市", "示例"),
    ("4198", "范例市", "范例"),
    ("4197", "嵩阳市", "嵩阳"),
    ("4196", "伊洛市", "伊洛"),
    ("4195", "淮源市", "淮源"),
    ("4194", "桐山市", "桐山"),
    ("4193", "丹湖市", "丹湖"),
    ("4192", "临岚市", "临岚"),
    ("4191", "清溪市", "清溪"),
)

# 示例市's counties: districts (市辖区) are 01–20, counties 21–80, county-level cities 81–99.
DEMO_COUNTIES = (
    ("01", "东城区"), ("21", "南湖县"), ("02", "西城区"), ("22", "北山县"), ("23", "清河县"),
    ("81", "青石市"), ("24", "石门县"), ("25", "柳林县"),
)
# Place names for the counties of the other fictional cities.
# Fictional county names for the other cities of a province-size demo (no real county of Henan).
OTHER_COUNTY_NAMES = (
    "城关", "新华", "河滨", "长乐", "安平", "和顺", "永宁", "兴隆", "康乐", "丰林", "白沙", "柳河", "石桥",
    "川口", "云台", "青峰", "瑞泉", "宁川", "福田", "金岭", "梅溪", "松涛", "竹园", "杏林", "桃源", "荷塘",
    "凤鸣", "龙泉", "鹤山", "雁川", "鹿台", "麒麟", "卧龙", "伏牛", "嵩岭", "淇水", "汝河", "颍川", "洧水",
    "沙澧", "湍河", "白河", "芳洲", "泌水", "汲水", "丹江", "老君", "尧山", "太昊", "伊阙", "洛滨", "云岫",
    "瀍东", "岫川", "巩源", "荥泽", "晴岚", "霁原", "密川", "映泉", "素溪", "疏桐", "栖梧", "鸣鹿", "卧云",
    "听涛", "望岳", "丹枫", "翠微",
)

TOWNSHIP_NAMES = (
    "城关", "东关", "西关", "南街", "北湖", "柳庄", "王店", "李寨", "张集", "马营", "河口", "石桥", "杨楼",
    "白庙", "高庄", "黄岗", "孙店", "赵营", "双庙", "三里桥", "大营", "小店", "韩岗", "刘集", "陈庄", "朱湾",
    "郭店", "花园", "老城", "新城", "古城", "桥头", "沙窝", "槐树", "杏花", "梨园", "枣林", "桑园", "竹林",
    "松岭", "金桥", "银河", "长岗", "板桥", "邓营", "胡楼", "何寨", "罗岗", "周营",
)
COMMUNITY_NAMES = (
    "前进", "和平", "东风", "团结", "幸福", "光明", "新华", "红旗", "解放", "民主", "建设", "胜利", "张庄",
    "李庄", "王楼", "刘营", "陈湾", "杨屯", "赵岗", "孙寨", "东街", "西街", "南关", "北关", "新村", "富民",
    "兴旺", "丰收", "振兴", "平安",
)
