"""A post written in front of a person's name ("旗委书记巴特尔"), as offices write leaders. The
person service refuses such a name by this rule, whichever way it comes (the form, the API, a
roster sheet); a ledger's 责任领导 cell drops the post and finds the person by name."""

import re

__all__ = ["split_title"]

# A post written before a name ("旗委书记巴特尔", "党组书记 王伟", "组织部部长其木格"): a run of
# characters ending in a title word. What follows must still be a name (two characters or more).
_TITLE = re.compile(
    r"^[\u4e00-\u9fff]*?(?:副?书记|副?主任|副?部长|副?局长|副?旗长|副?县长|副?市长|副?盟长"
    r"|副?区长|副?镇长|副?乡长|副?主席|副?组长|副?处长|副?科长|副?所长|副?站长|副?院长"
    r"|副?校长|董事长|总经理|苏木达|嘎查达|常委|委员)+"
)


def split_title(name: str) -> tuple[str, str]:
    """(the post written in front of a name, the name): ("旗委书记", "巴特尔") for "旗委书记巴特尔";
    ("党组书记", "") for a post alone; ("", name) when none is written."""
    m = _TITLE.match(name)
    if m is None:
        return "", name
    rest = name[m.end() :]
    if rest and len(rest) < 2:  # "局长王": not a post and a name
        return "", name
    return m[0], rest
