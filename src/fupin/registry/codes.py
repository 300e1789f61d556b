"""Code lists of the household and village registers (domain.md 1.3, household-template.md).

Where an official code exists it is the value (致贫原因 01-99, 危房等级 A-D, 民族 GB/T 3304,
残疾类别 1-7, 性别 GB/T 2261.1); otherwise the value is a short stable identifier. Labels are the
official Chinese terms; English comes from the translation catalogue.
"""

from django.utils.translation import gettext_lazy as _

from fupin.core.codes import CodeList


class HouseholdType(CodeList):
    POOR = "poor", _("贫困户")
    EXITED = "exited", _("脱贫户")
    MONITORED = "monitored", _("监测户")
    ORDINARY = "ordinary", _("一般农户")


class PovertyAttribute(CodeList):
    GENERAL = "general", _("一般贫困户")
    DIBAO = "dibao", _("低保贫困户")
    TEKUN = "tekun", _("特困供养贫困户")

    @classmethod
    def _aliases(cls):
        return {"一般户": "general", "一般": "general", "低保户": "dibao", "低保": "dibao",
                "五保户": "tekun", "五保贫困户": "tekun", "特困供养": "tekun", "特困": "tekun"}


class IdentificationStandard(CodeList):
    NATIONAL = "national", _("国家")
    PROVINCIAL = "provincial", _("省定")
    MUNICIPAL = "municipal", _("市定")

    @classmethod
    def _aliases(cls):
        return {"国家标准": "national", "省定标准": "provincial", "市定标准": "municipal"}


class RiskTypeCode(CodeList):
    """The national risk types of monitored households (风险类型). A county may add its own (RiskType)."""

    ILLNESS = "01", _("因病")
    DISABILITY = "02", _("因残")
    SCHOOLING = "03", _("因学")
    ACCIDENT = "04", _("因意外事故")
    INDUSTRY_FAILURE = "05", _("因产业失败")
    UNSTABLE_WORK = "06", _("因务工就业不稳")
    DISASTER = "07", _("因自然灾害")
    OTHER = "99", _("其他")


class MonitoringType(CodeList):
    UNSTABLE = "unstable", _("脱贫不稳定户")
    MARGINAL = "marginal", _("边缘易致贫户")
    HARDSHIP = "hardship", _("突发严重困难户")


class PovertyCause(CodeList):
    ILLNESS = "01", _("因病")
    DISABILITY = "02", _("因残")
    SCHOOLING = "03", _("因学")
    DISASTER = "04", _("因灾")
    NO_LAND = "05", _("缺土地")
    NO_WATER = "06", _("缺水")
    NO_SKILLS = "07", _("缺技术")
    NO_LABOUR = "08", _("缺劳力")
    NO_CAPITAL = "09", _("缺资金")
    POOR_TRANSPORT = "10", _("交通条件落后")
    WEAK_MOTIVATION = "11", _("自身发展动力不足")
    # A local code beside the national ones: the county plan names 因智 (intellectual disability or
    # very low schooling) among the causes it plans for. Local codes use 81-89.
    INTELLECT = "81", _("因智")
    OTHER = "99", _("其他")


class HouseGrade(CodeList):
    A = "A", _("A级（安全）")
    B = "B", _("B级（基本安全）")
    C = "C", _("C级（局部危房）")
    D = "D", _("D级（整栋危房）")

    @classmethod
    def _aliases(cls):
        return {"A级": "A", "B级": "B", "C级": "C", "D级": "D", "a": "A", "b": "B", "c": "C", "d": "D"}


class Fuel(CodeList):
    FIREWOOD = "firewood", _("柴草")
    DUNG = "dung", _("干畜粪")
    COAL = "coal", _("煤炭")
    CLEAN = "clean", _("清洁能源")
    OTHER = "other", _("其他")


class AccessRoad(CodeList):
    DIRT = "dirt", _("泥土路")
    GRAVEL = "gravel", _("砂石路")
    CONCRETE = "concrete", _("水泥路")
    ASPHALT = "asphalt", _("沥青路")


class Sex(CodeList):
    MALE = "1", _("男")
    FEMALE = "2", _("女")


class IdType(CodeList):
    RESIDENT_ID = "resident_id", _("居民身份证")
    DISABILITY_CARD = "disability_card", _("残疾人证")
    OTHER = "other", _("其他")

    @classmethod
    def _aliases(cls):
        return {"身份证": "resident_id", "残疾证": "disability_card"}


class Relation(CodeList):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    SON_IN_LAW = "son_in_law", _("之女婿")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    DAUGHTERS_SON = "daughters_son", _("之外孙子")
    DAUGHTERS_DAUGHTER = "daughters_daughter", _("之外孙女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    WIFES_FATHER = "wifes_father", _("之岳父")
    WIFES_MOTHER = "wifes_mother", _("之岳母")
    HUSBANDS_FATHER = "husbands_father", _("之公公")
    HUSBANDS_MOTHER = "husbands_mother", _("之婆婆")
    GRANDFATHER = "grandfather", _("之祖父")
    GRANDMOTHER = "grandmother", _("之祖母")
    SIBLING = "sibling", _("之兄弟姐妹")
    OTHER = "other", _("其他")

    @classmethod
    def _aliases(cls):
        return {"本人": "head", "妻": "spouse", "夫": "spouse", "妻子": "spouse", "丈夫": "spouse",
                "子": "son", "女": "daughter", "儿媳": "daughter_in_law", "女婿": "son_in_law",
                "孙子": "grandson", "孙女": "granddaughter", "父亲": "father", "母亲": "mother"}


class Ethnicity(CodeList):
    """民族, GB/T 3304-1991."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    TIBETAN = "04", _("藏族")
    UYGHUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYEI = "09", _("布依族")
    KOREAN = "10", _("朝鲜族")
    MANCHU = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAKH = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KYRGYZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSSIAN = "44", _("俄罗斯族")
    EWENKI = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")
    OTHER = "97", _("其他")
    FOREIGN_ORIGIN = "98", _("外国血统中国籍人士")

    @classmethod
    def _aliases(cls):
        return {"汉": "01", "蒙古": "02", "回": "03", "藏": "04", "苗": "06", "壮": "08", "满": "11", "畲": "22"}


class PoliticalStatus(CodeList):
    """政治面貌, after GB/T 4762 (democratic parties folded into one value)."""

    CPC_MEMBER = "01", _("中共党员")
    CPC_PROBATIONARY = "02", _("中共预备党员")
    CYL_MEMBER = "03", _("共青团员")
    DEMOCRATIC_PARTY = "04", _("民主党派")
    NON_PARTISAN = "12", _("无党派人士")
    MASSES = "13", _("群众")


class Education(CodeList):
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科及以上")

    @classmethod
    def _aliases(cls):
        return {"文盲": "illiterate", "半文盲": "illiterate", "大专及以上": "college", "中专": "senior"}


class Schooling(CodeList):
    PRESCHOOL_AGE = "preschool_age", _("学龄前儿童")
    KINDERGARTEN = "kindergarten", _("学前教育")
    PRIMARY = "primary", _("小学")
    GRADE_7_9 = "grade_7_9", _("七至九年级")
    SENIOR = "senior", _("普通高中")
    VOCATIONAL_SECONDARY = "vocational_secondary", _("中职")
    VOCATIONAL_HIGHER = "vocational_higher", _("高职高专")
    TECHNICIAN = "technician", _("技师学院")
    UNDERGRADUATE = "undergraduate", _("本科")
    POSTGRADUATE = "postgraduate", _("硕士及以上")
    NOT_IN_SCHOOL = "not_in_school", _("非在校生")

    @classmethod
    def _aliases(cls):
        return {"七-九年级": "grade_7_9", "七–九年级": "grade_7_9", "初中": "grade_7_9", "高中": "senior"}


class Health(CodeList):
    """Values of the 健康状况 column; stored on Member as three flags (several may hold)."""

    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class DisabilityCategory(CodeList):
    VISION = "1", _("视力")
    HEARING = "2", _("听力")
    SPEECH = "3", _("言语")
    PHYSICAL = "4", _("肢体")
    INTELLECTUAL = "5", _("智力")
    MENTAL = "6", _("精神")
    MULTIPLE = "7", _("多重")

    @classmethod
    def _aliases(cls):
        return {f"{term}残疾": code for code, term in
                [("1", "视力"), ("2", "听力"), ("3", "言语"), ("4", "肢体"), ("5", "智力"), ("6", "精神"), ("7", "多重")]}


class DisabilityGrade(CodeList):
    FIRST = "1", _("一级")
    SECOND = "2", _("二级")
    THIRD = "3", _("三级")
    FOURTH = "4", _("四级")


class LabourSkill(CodeList):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    WEAK = "weak", _("弱劳动力或半劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")

    @classmethod
    def _aliases(cls):
        return {"弱劳动力": "weak", "半劳动力": "weak"}


class WorkStatus(CodeList):
    IN_TOWNSHIP = "in_township", _("乡内")
    IN_COUNTY = "in_county", _("乡外县内")
    IN_PROVINCE = "in_province", _("县外省内")
    OUT_OF_PROVINCE = "out_of_province", _("省外")
    OTHER = "other", _("其他")
    NONE = "none", _("无")

    @classmethod
    def _aliases(cls):
        return {"乡（镇）内": "in_township", "乡镇内": "in_township", "不务工": "none"}


class RecordStatus(CodeList):
    ACTIVE = "active", _("在册")
    REMOVED = "removed", _("已注销")


class JoinReason(CodeList):
    INITIAL = "initial", _("建档登记")
    BIRTH = "birth", _("出生")
    MARRIED_IN = "married_in", _("婚入")
    MOVED_IN = "moved_in", _("迁入")
    RETURNED = "returned", _("返回")
    SPLIT = "split", _("分户")
    MERGED = "merged", _("合户")
    OTHER = "other", _("其他")


class RemovalReason(CodeList):
    DEATH = "death", _("死亡")
    MARRIED_OUT = "married_out", _("婚出")
    MOVED_OUT = "moved_out", _("迁出")
    SPLIT = "split", _("分户")
    MERGED = "merged", _("合户")
    ENLISTED = "enlisted", _("参军")
    STATE_SALARIED = "state_salaried", _("财政供养")
    WRONGLY_REGISTERED = "wrongly_registered", _("错误登记")
    HOUSEHOLD_CLOSED = "household_closed", _("随户注销")
    OTHER = "other", _("其他")


class CloseReason(CodeList):
    ALL_DECEASED = "all_deceased", _("整户死亡")
    MOVED_AWAY = "moved_away", _("整户迁出")
    MERGED = "merged", _("合户")
    WRONGLY_REGISTERED = "wrongly_registered", _("错评剔除")
    OTHER = "other", _("其他")


class VillagePovertyStatus(CodeList):
    NOT_POOR = "not_poor", _("非贫困村")
    POOR = "poor", _("贫困村")
    EXITED = "exited", _("已出列")


class WorkTeamRole(CodeList):
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    LEADER = "leader", _("工作队长")
    MEMBER = "member", _("工作队员")


# the itemised transfer incomes (转移性收入 by kind), in the order the card and the workbook show them
TRANSFER_ITEMS = ("transfer_dibao", "transfer_tekun", "transfer_pension", "transfer_ecological",
                  "transfer_family_planning", "transfer_other")
