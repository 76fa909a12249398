# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""A parsed HTML page, for tests that look at what a page says: every
element with its attributes and its whole text (as a browser shows it,
entities decoded)."""

import html.parser

_VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input',
         'link', 'meta', 'source', 'track', 'wbr'}


class Element:

    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parts = []

    @property
    def text(self):
        return ''.join(self.parts)

    @property
    def classes(self):
        return (self.attrs.get('class') or '').split()


class Page(html.parser.HTMLParser):
    """Parse *source*; :meth:`find` the elements."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.elements, self._open = [], []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        # Close up to the matching element (HTML may leave some open).
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                return

    def handle_data(self, data):
        for element in self._open:
            element.parts.append(data)

    def find(self, tag=None, id=None, cls=None):
        """Every element matching all of tag, id and class given."""
        return [e for e in self.elements
                if (tag is None or e.tag == tag)
                and (id is None or e.attrs.get('id') == id)
                and (cls is None or cls in e.classes)]

    def one(self, tag=None, id=None, cls=None):
        """The only matching element; AssertionError otherwise."""
        found = self.find(tag, id, cls)
        if len(found) != 1:
            raise AssertionError('%d elements match tag=%s id=%s class=%s'
                                 % (len(found), tag, id, cls))
        return found[0]
