"""Chinese personal names for the demo, drawn deterministically from a ``random.Random``.

Surnames carry rough weights (per mille of the population, Henan-flavoured); given names are one or
two characters. A few rare characters (生僻字 such as 龑, 䶮, 堃) appear on purpose, so pages, exports
and PDFs meet them in the demo before they meet them in real data.
"""

import random

# (surname, weight): the common ones by rough frequency, then a tail of rarer ones.
SURNAMES = (
    ("王", 75), ("李", 72), ("张", 70), ("刘", 55), ("陈", 45), ("杨", 32), ("赵", 23), ("黄", 18),
    ("周", 17), ("吴", 16), ("徐", 13), ("孙", 13), ("胡", 12), ("朱", 11), ("高", 11), ("林", 8),
    ("何", 9), ("郭", 14), ("马", 12), ("罗", 7), ("梁", 7), ("宋", 9), ("郑", 9), ("谢", 6),
    ("韩", 8), ("唐", 5), ("冯", 8), ("于", 7), ("董", 7), ("萧", 2), ("程", 7), ("曹", 7),
    ("袁", 6), ("邓", 5), ("许", 7), ("傅", 3), ("沈", 4), ("曾", 3), ("彭", 4), ("吕", 5),
    ("苏", 5), ("卢", 4), ("蒋", 4), ("蔡", 4), ("贾", 6), ("丁", 5), ("魏", 6), ("薛", 4),
    ("叶", 3), ("阎", 4), ("余", 3), ("潘", 3), ("杜", 4), ("戴", 2), ("夏", 3), ("钟", 2),
    ("汪", 2), ("田", 5), ("任", 5), ("姜", 3), ("范", 4), ("方", 3), ("石", 4), ("姚", 3),
    ("谭", 2), ("廖", 1), ("邹", 2), ("熊", 2), ("金", 2), ("陆", 2), ("郝", 3), ("孔", 3),
    ("白", 3), ("崔", 3), ("康", 3), ("毛", 2), ("邱", 2), ("秦", 3), ("江", 2), ("史", 3),
    ("顾", 1), ("侯", 3), ("邵", 2), ("孟", 3), ("龙", 1), ("万", 2), ("段", 2), ("雷", 2),
    ("钱", 1), ("汤", 2), ("尹", 2), ("黎", 1), ("易", 1), ("常", 3), ("武", 3), ("乔", 3),
    ("贺", 2), ("赖", 1), ("龚", 1), ("文", 1), ("牛", 3), ("申", 2), ("翟", 2), ("岳", 2),
    ("聂", 1), ("楚", 1), ("靳", 1), ("谷", 1), ("闫", 3), ("耿", 1), ("焦", 2), ("祁", 1),
    ("欧阳", 1), ("司马", 1), ("上官", 1), ("诸葛", 1), ("皇甫", 1), ("亓", 1), ("禚", 1), ("昝", 1),
)

# Surnames common in some minority peoples in Henan and the north (e.g. 回族 马、白、沙、海).
MINORITY_SURNAMES = {
    "回族": (("马", 10), ("白", 4), ("沙", 2), ("海", 2), ("穆", 1), ("金", 2), ("丁", 2), ("哈", 1)),
    "满族": (("关", 4), ("佟", 3), ("那", 2), ("富", 1), ("赵", 2), ("金", 2)),
    "蒙古族": (("包", 4), ("白", 3), ("鲍", 2), ("韩", 1), ("云", 1)),
}

MALE_CHARS = (
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波",
    "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳", "坤", "博", "亮", "峰", "建", "国",
    "志", "新", "东", "海", "成", "德", "文", "武", "振", "兴", "卫", "红", "庆", "春", "利", "忠", "永", "光",
    "晨", "昊", "航", "铭", "哲", "睿", "泽", "轩", "毅", "锋", "豪", "彬", "晓", "立", "学", "民", "胜", "宏",
)
FEMALE_CHARS = (
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "燕", "萍", "红", "洁", "琳", "婷", "雪", "慧",
    "倩", "颖", "莉", "琴", "梅", "兰", "英", "华", "丹", "晶", "蕾", "薇", "媛", "瑶", "欣", "怡", "佳", "悦",
    "璐", "露", "月", "凤", "云", "青", "爽", "楠", "雯", "晨", "曦", "若", "诗", "梦", "思", "雨", "馨", "宁",
)
# 生僻字: rare but real characters that appear in people's names.
RARE_CHARS = ("龑", "䶮", "堃", "喆", "昇", "珺", "燚", "犇", "淼", "赟", "頔", "彧", "翀", "昉", "玥", "琇", "旻", "璟")
RARE_SHARE = 0.006


class NameMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        self._weights = [w for _, w in SURNAMES]

    def surname(self, ethnicity: str = "汉族") -> str:
        pool = MINORITY_SURNAMES.get(ethnicity)
        if pool and self.rng.random() < 0.6:
            return self.rng.choices([s for s, _ in pool], weights=[w for _, w in pool])[0]
        return self.rng.choices(self._surnames, weights=self._weights)[0]

    def given(self, female: bool) -> str:
        rng = self.rng
        chars = FEMALE_CHARS if female else MALE_CHARS
        count = 1 if rng.random() < 0.28 else 2
        given = "".join(rng.choice(chars) for _ in range(count))
        if rng.random() < RARE_SHARE:
            rare = rng.choice(RARE_CHARS)
            given = rare if count == 1 else given[0] + rare
        return given

    def full(self, *, female: bool, ethnicity: str = "汉族") -> str:
        return self.surname(ethnicity) + self.given(female)
