"""Writes the office ledgers the import tests read, as banner and league offices keep them.

    uv run python src/shigan/problems/tests/ledgers/make_ledgers.py

The .xls and .ods copies are converted from xlsx by LibreOffice (``soffice --headless``), as an
office saving from an older Excel or from WPS/LibreOffice would; the files are committed, so the
tests need neither. What each ledger must import as is written in ``test_office_ledgers.py``.
"""

import csv
import datetime
import tempfile
from pathlib import Path

import xlsxwriter

from shigan.core.tests.sheets.make_sheets import convert  # LibreOffice saves the copies

HERE = Path(__file__).resolve().parent
HEADER = [
    "序号",
    "问题",
    "方面",
    "来源",
    "整改措施",
    "责任领导",
    "责任单位",
    "整改时限",
    "整改进展",
    "完成情况",
]  # noqa: E501

# The banner's ledger: one row per problem, a title and a 填报日期 line above the header, a
# blank formatted row and sign-off lines (split over cells, and merged) below the table.
ABAG_ROWS = [
    [
        1,
        "理论学习不够深入，学用脱节",
        "理论学习",
        "检视查摆",
        "1. 制定年度学习计划\n2. 举办读书班",
        "巴特尔",
        "",
        "2023年6月30日",
        "已举办读书班2期，完成60%",
        "整改中",
    ],  # noqa: E501
    [
        2,
        "调研走过场、重形式",
        "调查研究",
        "调研",
        "1、建立调研台账；2、开展蹲点调研",
        "张明、李华",
        "别力古台镇",
        "6月10日",
        "",
        "未整改",
    ],  # noqa: E501
    [
        3,
        "基层报表多、负担重",
        "作风建设",
        "上级交办",
        "（1）清理报表（2）合并填报",
        "王刚（分管）",
        "洪格尔高勒",
        "2023.5.31",
        "已清理报表12张，合并填报系统上线",
        "已完成",
    ],  # noqa: E501
    [
        4,
        "窗口服务态度生硬",
        "为民服务",
        "信访",
        "设立服务监督电话",
        "巴特尔",
        152522101000,
        "立行立改",
        "监督电话已公布",
        "已整改",
    ],  # noqa: E501
    [
        5,
        "制度执行不严格",
        "制度建设",
        "督察反馈",
        "完善干部考核办法",
        "其木格",
        "",
        "长期坚持",
        "考核办法正在修订",
        "持续整改",
    ],  # noqa: E501
    [
        6,
        "重点项目推进缓慢",
        "作风建设",
        "检视查摆",
        "①倒排工期②组建专班",
        "巴特尔、其木格/张明",
        "查干淖尔镇",
        "2023年7月底",
        "",
        "推进中",
    ],  # noqa: E501
    [
        7,
        "整改落实不到位（第３批）",
        "作风建设",
        "检视查摆",
        "逐项对账销号",
        "其木格",
        "",
        "2023-08-31",
        "",
        "未启动",
    ],  # noqa: E501
    [
        8,
        "会议多、文件多",
        "作风建设",
        "检视查摆",
        "精简会议文件",
        "",
        "别力古台镇",
        "2023-06-20",
        "精简会议3个、文件5件",
        "已销号",
    ],  # noqa: E501
]

# The league's ledger: one row per measure, 问题 and its particulars merged down the rows,
# other headings, codes as numbers; its date is in the sign-off lines below the table.
LEAGUE_HEADER = [
    "序号",
    "存在问题",
    "问题类别",
    "问题来源",
    "整改措施",
    "责任人",
    "责任单位",
    "完成时限",
    "进展情况",
    "整改状态",
]  # noqa: E501
LEAGUE_PROBLEMS = [
    (
        1,
        "牧区医疗服务不便",
        "为民服务",
        "调研",
        152522000000,
        [
            ("建设嘎查卫生室", "巴特尔", "2023年6月30日", "已建成3个卫生室", "已完成"),
            ("开展巡回医疗", "其木格", "2023年9月30日", "", "整改中"),
            ("培训乡村医生", "巴特尔", "2023年10月31日", "", "未完成"),
        ],
    ),
    (
        2,
        "惠牧政策宣传不到位",
        "理论学习",
        "检视查摆",
        "苏尼特左旗",
        [
            ("编印政策明白卡", "巴特尔", "2023-05-31", "已发放明白卡2000份", "已完成"),
            ("入户宣讲", "巴特尔", "2023-06-10", "宣讲覆盖全部嘎查", "已完成"),
        ],
    ),
    (
        3,
        "办事环节多、时限长",
        "作风建设",
        "督察反馈",
        152522000000,
        [
            ("梳理办事清单", "其木格", "2023年8月底", "", "待整改"),
        ],
    ),
]

# A second banner's ledger from WPS (.ods): measures numbered "（1）（2）", a 发现日期 column,
# a short name, co-leaders with "/".
SUNID_HEADER = [*HEADER, "发现日期"]
SUNID_ROWS = [
    [
        1,
        "草原生态保护监管有漏洞",
        "调查研究",
        "调研",
        "（1）完善巡查制度（2）聘用草管员",
        "孟和/其其格",
        "满都拉图",
        "2023年7月31日",
        "",
        "未启动",
        "2023年5月20日",
    ],  # noqa: E501
    [
        2,
        "农畜产品销售渠道窄",
        "为民服务",
        "检视查摆",
        "（1）对接电商平台",
        "孟和",
        "",
        "2023年9月30日",
        "已对接平台2家",
        "正在整改",
        "2023年5月22日",
    ],  # noqa: E501
    [
        3,
        "村务公开不及时",
        "制度建设",
        "信访",
        "（1）每月公开村务",
        "其其格",
        "查干敖包镇",
        "2023年6月10日",
        "已按月公开",
        "已完成",
        "2023年5月25日",
    ],  # noqa: E501
]

# A GB18030 csv, as an older system exports it: the date line above the header, year-less
# dates, the plain state words.
CSV_LINES = [
    ["苏尼特左旗问题整改台账"],
    ["填报日期：2023年6月18日"],
    HEADER,
    [
        1,
        "干部下沉服务不够",
        "作风建设",
        "检视查摆",
        "建立包联制度",
        "孟和",
        "巴彦淖尔镇",
        "7月15日",
        "包联制度已印发",
        "完成",
    ],  # noqa: E501
    [
        2,
        "基层党组织活动不规范",
        "理论学习",
        "检视查摆",
        "规范三会一课",
        "其其格",
        "",
        "8月31日",
        "",
        "推进中",
    ],  # noqa: E501
    [
        3,
        "群众办事跑腿多",
        "为民服务",
        "信访",
        "推行帮办代办",
        "孟和",
        "达来苏木",
        "6月1日",
        "",
        "未整改",
    ],  # noqa: E501
    [],
    ["填报人：乌日娜", "", "审核人：孟和", "", "联系电话：0479-7654321"],
]


# A township clerk's ledger from WPS: the title and a 填报单位/填报日期 line merged across, a
# header of two rows (整改情况 merged over 是否完成 and 完成时间), headings with line breaks and
# trailing spaces, full-width digits, dates typed as text or as a month, a date cell, a totals
# line, then the signature block and the declaration.
TOWN_TOP = ["序号", "问题\n描述 ", "问题类别", "整改措施 ", "责任人", "完成时限\n"]
TOWN_ROWS = [
    [
        1,
        "村级活动场所管理不规范",
        "作风建设",
        "1.制定管理制度\n2.定期检查",
        "巴特尔",
        "２０２３年６月３０日",
        "是",
        "2023/6/28",
    ],
    [2, "惠民政策宣传不到位", "为民服务", "入户宣讲", "其木格", "2023/9/30", "否", ""],
    [3, "理论学习形式单一", "理论学习", "开展线上学习", "巴特尔", "2023.12", "否", ""],
    [4, " 党员教育管理松散 ", "作风建设", "建立积分管理", "其木格", None, "否", ""],
]


def _formats(book):
    return {
        "title": book.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "head": book.add_format({"bold": True, "border": 1, "text_wrap": True}),
        "cell": book.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "code": book.add_format({"border": 1, "num_format": "0"}),
        "line": book.add_format({"align": "left"}),
    }


def write_abag(path: Path) -> None:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("问题台账")
    f = _formats(book)
    sheet.merge_range(0, 0, 0, 9, "阿巴嘎旗主题教育检视整改问题台账", f["title"])
    sheet.merge_range(1, 0, 1, 4, "填报单位（盖章）：中共阿巴嘎旗委员会", f["line"])
    sheet.merge_range(1, 5, 1, 9, "填报日期：2023年6月15日", f["line"])
    sheet.write_row(2, 0, HEADER, f["head"])
    for r, row in enumerate(ABAG_ROWS, start=3):
        for c, value in enumerate(row):
            sheet.write(r, c, value, f["code"] if isinstance(value, int) and c == 6 else f["cell"])
    end = 3 + len(ABAG_ROWS)
    sheet.write_row(end, 0, [""] * 10, f["cell"])  # an empty formatted row
    sheet.write_row(
        end + 1, 0, ["填报人：", "乌云", "", "审核人：", "王强", "", "联系电话：", "0479-1234567"]
    )  # noqa: E501
    sheet.merge_range(end + 2, 0, end + 2, 9, "单位（盖章）", f["line"])
    book.close()


def write_league(path: Path) -> None:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("台账")
    f = _formats(book)
    sheet.merge_range(0, 0, 0, 9, "锡林郭勒盟主题教育问题整改台账（汇总）", f["title"])
    sheet.write_row(1, 0, LEAGUE_HEADER, f["head"])
    r = 2
    for seq, title, aspect, source, unit, measures in LEAGUE_PROBLEMS:
        last = r + len(measures) - 1
        for c, value in ((0, seq), (1, title), (2, aspect), (3, source), (6, unit)):
            style = f["code"] if c == 6 and isinstance(value, int) else f["cell"]
            if last > r:
                sheet.merge_range(r, c, last, c, value, style)
            else:
                sheet.write(r, c, value, style)
        for offset, (text, owner, limit, progress, state) in enumerate(measures):
            for c, value in ((4, text), (5, owner), (7, limit), (8, progress), (9, state)):
                sheet.write(r + offset, c, value, f["cell"])
        r = last + 1
    sheet.write_row(r + 1, 0, ["制表人：", "萨仁", "", "审核：", "", "", "联系电话：0479-8888888"])
    sheet.merge_range(r + 2, 0, r + 2, 9, "填报日期：2023年6月20日", f["line"])
    book.close()


def write_sunid(path: Path) -> None:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Sheet1")
    f = _formats(book)
    sheet.merge_range(0, 0, 0, 10, "苏尼特左旗检视问题清单", f["title"])
    sheet.merge_range(1, 0, 1, 10, "截至2023年6月16日", f["line"])
    sheet.write_row(2, 0, SUNID_HEADER, f["head"])
    for r, row in enumerate(SUNID_ROWS, start=3):
        sheet.write_row(r, 0, row, f["cell"])
    end = 3 + len(SUNID_ROWS)
    sheet.merge_range(end + 1, 0, end + 1, 3, "填报人：乌日娜  联系电话：0479-7654321", f["line"])
    book.close()


def write_township(path: Path) -> None:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Sheet1")
    f = _formats(book)
    day = book.add_format({"border": 1, "num_format": "yyyy年m月d日"})
    sheet.merge_range(0, 0, 0, 7, "别力古台镇主题教育检视问题整改台账", f["title"])
    sheet.merge_range(
        1, 0, 1, 7, "填报单位：别力古台镇党委\u3000\u3000填报日期：２０２３年６月３０日"
    )
    for c, title in enumerate(TOWN_TOP):
        sheet.merge_range(2, c, 3, c, title, f["head"])
    sheet.merge_range(2, 6, 2, 7, "整改情况", f["head"])
    sheet.write_row(3, 6, ["是否完成", "完成时间"], f["head"])
    for r, row in enumerate(TOWN_ROWS, start=4):
        for c, value in enumerate(row):
            sheet.write(r, c, value if value is not None else "", f["cell"])
    sheet.write_datetime(7, 5, datetime.datetime(2023, 10, 31), day)
    sheet.write_row(8, 0, ["合计", "4个问题", "", "", "", "", "1", ""], f["cell"])
    sheet.merge_range(
        10, 0, 10, 7, "填报人：乌云\u3000\u3000审核人：巴特尔\u3000\u3000联系电话：0479-1234567"
    )
    sheet.merge_range(11, 0, 11, 7, "以上情况属实。")
    book.close()


def write_csv(path: Path) -> None:
    with path.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(CSV_LINES)


def main() -> None:
    write_abag(HERE / "abag-banner-2023-06-15.xlsx")
    with tempfile.TemporaryDirectory() as work:
        league = Path(work) / "league.xlsx"
        write_league(league)
        convert(league, "xls", HERE / "xilingol-league-2023-06-20.xls")
        sunid = Path(work) / "sunid.xlsx"
        write_sunid(sunid)
        convert(sunid, "ods", HERE / "sunid-left-banner-2023-06-16.ods")
        town = Path(work) / "town.xlsx"
        write_township(town)
        convert(town, "xls", HERE / "beiligutai-town-2023-06-30.xls")
    write_township(HERE / "beiligutai-town-2023-06-30.xlsx")
    write_csv(HERE / "sunid-left-banner-2023-06-18-gb18030.csv")


if __name__ == "__main__":
    main()
