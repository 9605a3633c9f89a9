"""What a browser would post from a page's form: each input, checked box, selected option and
text area by name, as the page drew them (tests of edit pages post what the page showed)."""

from html.parser import HTMLParser

__all__ = ["form_values", "opened"]


class _FormValues(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.forms, self.values = False, [], {}
        self.select: str | None = None
        self.textarea: str | None = None

    def add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self.inside, self.values = True, {}
            self.forms.append(self.values)
        if not self.inside or "name" not in a and tag not in ("option",):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "search"):
                self.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.add(self.select, a.get("value", ""))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.add(self.textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data.removeprefix("\n")


def form_values(html: str, having: str) -> dict[str, str | list[str]]:
    """The values of the page's first POST form that has a field named `having`."""
    parser = _FormValues()
    parser.feed(html)
    form = next(values for values in parser.forms if having in values)
    return {k: v[0] if len(v) == 1 else v for k, v in form.items()}


def opened(user, url: str, having: str):
    """A browser of `user` that opened the page at `url`: its client, and the values of the
    form with `having` as the page drew them."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return client, form_values(response.content.decode(), having=having)
