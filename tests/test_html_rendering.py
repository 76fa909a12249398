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

"""The report's page as a browser shows it: Debian's headless Chromium
renders the file, and the test reads the DOM it built and the screenshot it
took."""

import os
import shutil
import signal
import struct
import subprocess
import zlib

import fixtures

from tests import base
from tests import html_page
from tests import test_html_report as sample
from watcher_conformance import html_report

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
#: Seconds one Chromium run may take: a hang is a failure, not a stuck run.
TIMEOUT = 60
WIDTH, HEIGHT = 1280, 2000
#: The fail verdict's banner colour (the page's CSS: #b3261e).
FAIL_RED = (0xb3, 0x26, 0x1e)


def _chromium(*args, timeout=TIMEOUT):
    """Run headless Chromium; its standard output. Its whole process group
    is killed when it takes longer than *timeout* seconds."""
    proc = subprocess.Popen(
        [CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu',
         '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'] + list(args),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError('chromium %s took more than %d s'
                             % (' '.join(args[-2:]), timeout))
    if proc.returncode:
        raise AssertionError('chromium exited %d: %s'
                             % (proc.returncode, err[-2000:]))
    return out


def _png_rows(path, count):
    """(width, height, the first *count* rows as lists of RGB tuples) of
    an 8-bit RGB or RGBA PNG: enough of a decoder to look at the top of a
    screenshot."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise AssertionError('%s is not a PNG' % path)
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise AssertionError('unexpected PNG format %s' % (header,))
    size = 3 if colour == 2 else 4
    stride = width * size
    raw = zlib.decompressobj().decompress(b''.join(idat),
                                          count * (stride + 1))
    rows, previous = [], bytearray(stride)
    for r in range(count):
        kind = raw[r * (stride + 1)]
        line = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = previous[i]
            corner = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xff
            elif kind == 2:
                line[i] = (line[i] + up) & 0xff
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xff
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = (left if pa <= pb and pa <= pc
                        else up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xff
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, size)])
        previous = line
    return width, height, rows


class RenderingTest(base.TestCase):

    def setUp(self):
        super().setUp()
        if not os.path.exists(CHROMIUM):
            self.skipTest('Debian chromium is not installed (apt-get '
                          'install chromium; .ci/run installs it)')
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.page = os.path.join(self.dir, 'report.html')
        html_report.write(sample.sample(), self.page, sample.CHECKS,
                          [('JSON report', 'report.json')])
        self.profile = '--user-data-dir=%s' % os.path.join(self.dir, 'p')

    def test_dom_shows_verdict_failures_and_escaped_message(self):
        page = html_page.Page(_chromium(self.profile, '--dump-dom',
                                        'file://' + self.page))
        self.assertEqual('NOT CONFORMANT', page.one('h1', id='verdict').text)
        self.assertEqual(2, len(page.find('article', cls='failure')))
        self.assertIn('Failures (2)', page.one(id='failures').text)
        failure = page.one('article', id='id-' + sample.MUST_ID)
        self.assertIn('A future MUST be done <em>before</em> its callback.',
                      failure.text)
        # The browser shows the message as it was, and built no element
        # and ran no script out of it.
        self.assertEqual(sample.MESSAGE,
                         page.find('pre', cls='message')[0].text)
        self.assertEqual([], page.find(id='injected'))
        self.assertEqual([], page.find('script'))
        self.assertIn('broken <pool>', page.one('title').text)

    def test_screenshot_opens_on_the_verdict(self):
        png = os.path.join(self.dir, 'report.png')
        _chromium(self.profile, '--screenshot=%s' % png,
                  '--window-size=%d,%d' % (WIDTH, HEIGHT),
                  '--hide-scrollbars', 'file://' + self.page)
        self.assertGreater(os.path.getsize(png), 20000)
        width, height, rows = _png_rows(png, 40)
        self.assertEqual((WIDTH, HEIGHT), (width, height))
        # The top of the page is the red banner of a failed verdict.
        banner = [px for row in rows[5:40] for px in row
                  if all(abs(a - b) <= 8 for a, b in zip(px, FAIL_RED))]
        self.assertGreater(len(banner), 0.5 * width * 35)
