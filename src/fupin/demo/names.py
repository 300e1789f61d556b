"""Name and place material for the synthetic population (common in Fuzhou prefecture, Jiangxi)."""

# Surnames with rough weights (黄、李、陈、吴、涂、揭、饶 are frequent in Lichuan and around).
SURNAMES = (
    "黄" * 9 + "李" * 8 + "陈" * 8 + "吴" * 6 + "刘" * 6 + "张" * 6 + "王" * 5 + "杨" * 4 + "周" * 4 + "徐" * 4
    + "邓" * 3 + "付" * 3 + "邹" * 3 + "曾" * 3 + "熊" * 3 + "罗" * 3 + "涂" * 3 + "揭" * 2 + "饶" * 2 + "龚" * 2
    + "章" * 2 + "胡" * 2 + "朱" * 2 + "何" * 2 + "余" * 2 + "江" * 2 + "傅" * 2 + "危" + "艾" + "晏" + "车"
    + "谢" * 2 + "彭" * 2 + "廖" + "邱" + "袁" + "聂" + "蔡" + "肖" * 2 + "游" + "温"
)
MALE_CHARS = "国建明华伟军平志强文德林永春金海清水云福荣生根发贵忠勇辉俊杰鹏斌涛波磊浩宇轩睿博子昊晨阳"
FEMALE_CHARS = "秀英兰芳玉珍华丽红梅凤霞琴桂萍燕莲娟春香翠云美静婷雪慧敏丹颖欣怡涵萱梓雨琳"
GENERATION_CHARS = "家承德永世安长福新祖宗先光远"

HELPER_UNITS = [
    "黎川县乡村振兴局", "黎川县财政局", "黎川县农业农村局", "黎川县教育体育局", "黎川县卫生健康委员会",
    "黎川县民政局", "黎川县人力资源和社会保障局", "黎川县住房和城乡建设局", "黎川县林业局", "黎川县水利局",
    "黎川县交通运输局", "黎川县自然资源局", "黎川县市场监督管理局", "黎川县供电公司", "黎川县农商银行",
]
BANKS = ["江西黎川农村商业银行", "中国邮政储蓄银行黎川县支行", "中国农业银行黎川县支行"]
DROPOUT_REASONS = ["身体原因", "厌学", "家庭困难"]
WORKPLACES = ["福建泉州", "福建厦门", "广东东莞", "浙江义乌", "南昌", "抚州", "黎川县城", "本乡"]
# Lichuan (361022) and neighbouring county codes for people who married in from elsewhere.
OTHER_BIRTH_PLACES = ["361021", "361023", "361002", "361024", "350781", "361025"]


def local(items: list[str], county_name: str) -> list[str]:
    """The Lichuan names above for another county: 黎川县财政局 -> 南城县财政局, 江西黎川农村商业银行 ->
    江西南城农村商业银行 (a district keeps its 区: 临川区财政局)."""
    if county_name in ("", "黎川县"):
        return list(items)
    short = county_name[:-1] if len(county_name) > 2 and county_name[-1] in "县区市" else county_name
    return [item.replace("黎川县", county_name).replace("黎川", short) for item in items]
