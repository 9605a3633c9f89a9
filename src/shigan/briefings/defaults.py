"""The default briefing: the article's own sentences, every figure computed from the ledger.

Each of the 28 figures of the seed's FIGURES.md appears once, in the register of 内蒙古日报
("截至目前，第一批参学单位就调查研究中梳理排查的1667个问题，研究提出解决措施1959条……").
A campaign office copies it into its own template and rewords it; the numbers stay computed.
Lines of one paragraph are joined when rendered; a blank line starts a new paragraph.
"""

__all__ = ["DEFAULT_NAME", "DEFAULT_TITLE", "DEFAULT_TEXT"]

DEFAULT_NAME = "主题教育进展情况（默认）"
DEFAULT_TITLE = "{{ unit }}学习贯彻习近平新时代中国特色社会主义思想主题教育进展情况"

DEFAULT_TEXT = """\
主题教育开展以来，{{ unit }}牢牢把握“学思想、强党性、重实践、建新功”的总要求，
坚持以学铸魂、以学增智、以学正风、以学促干，推动主题教育扎实开展。
现将截至{{ as_of }}的进展情况报告如下。

一、以学铸魂，推动党的创新理论深化内化转化。以上率下学，层层跟进学，创新方式学。
依托读书班、理论中心组学习、“三会一课”、主题党日等学习载体，
{{ study_leaders }}名县处级以上领导干部实现了学在日常、学在经常。
截至{{ as_of }}，{{ unit }}党委常委会举办{{ root_reading_classes }}期读书班、
{{ root_central_group_sessions }}次理论学习中心组集中研讨；
{{ batch }}{{ batch_units }}个参学单位党委（党组）
{% if reading_class_coverage.complete %}全部举办读书班{% else %}
中有{{ reading_class_coverage }}个举办读书班{% endif %}，
开展理论中心组学习{{ batch_central_group_sessions }}次。

二、以学增智，深入开展调查研究。对准制约高质量发展的深层次矛盾问题，靶向选题，
围绕中央{{ research_aspects }}个方面内容，
省级领导确定了{{ provincial_topics }}个调研课题，
开展领题调研{{ provincial_trips }}次，建立了调研发现问题清单。
{{ batch }}参学单位从职能职责和基层实际出发，
确定调研课题{{ batch_topics }}个，开展调研{{ batch_trips }}次。
截至{{ as_of }}，{{ batch }}参学单位就调查研究中梳理排查的{{ research_problems }}个问题，
研究提出解决措施{{ research_measures }}条。
各巡回指导组对所联系单位的调研方案严格审核把关，
跟进指导调查研究工作{{ guidance_visits }}次，
帮助{{ revised_plan_units }}家单位修改完善调研方案或计划。

三、以学正风，抓紧抓实检视整改。坚持边学习、边对照、边检视、边整改，
深入查摆具体问题，逐一列出问题清单。
截至{{ as_of }}，{{ unit }}层面梳理形成
{{ root_problem_aspects }}个方面{{ root_problems }}个具体问题，
{{ batch }}参学单位检视出
{{ self_inspection_aspects }}个方面{{ self_inspection_problems }}个问题。
能改的马上改，其他未完成整改的都明确整改时限，紧盯不放直至整改到位。
{{ batch }}参学单位已完成整改问题{{ self_inspection_closed }}个，
新增整改措施{{ self_inspection_measures }}条。
突出重点专项整治，结合实际确定了{{ special_programs }}个专项整治方案。

四、以学促干，推动“五大任务”落地见效。
围绕构筑我国北方重要生态安全屏障，
落地生态保护和节能节水改造项目{{ ecology_projects }}个；
围绕构筑祖国北疆安全稳定屏障，
安排{{ border_security_funds }}专项经费加强重点领域安全保障体系和能力建设；
围绕建设国家重要能源和战略资源基地，做大做强新能源经济，
新增新能源并网装机{{ energy_capacity }}；
围绕建设国家重要农畜产品生产基地，
下达高标准农田建设补助资金{{ agriculture_funds }}；
围绕打造国家向北开放重要桥头堡，
筹措{{ opening_up_zone_funds }}资金支持重点开发开放试验区建设，
安排口岸经济发展专项资金{{ opening_up_port_funds }}。
聚焦解决就业、教育、医疗等民生领域突出问题，
梳理形成{{ livelihood_items }}项民生项目清单，
列入全年重点抓好的{{ livelihood_areas }}个方面工作，
下达少数民族发展任务资金{{ ethnic_affairs_funds }}，
切实提升群众的获得感、幸福感、安全感。
"""
