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

"""Files a run writes: whole or not at all.

A report is written to a temporary file beside it, then renamed over the
path: a reader (or a second run writing the same report) never sees half a
file, and a run that fails while writing leaves the previous file intact.
"""

import os
import tempfile


class NotWritable(Exception):
    """A path a run was asked to write cannot be written."""


def check_writable(path):
    """Raise :class:`NotWritable` unless a file can be written at *path*
    (its directory is created if need be, as the run would)."""
    if os.path.isdir(path):
        raise NotWritable('%s is a directory, not a file' % path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix='.probe-'):
            pass
    except OSError as exc:
        raise NotWritable('cannot write in %s: %s' % (
            directory, exc.strerror or exc)) from None


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path, data):
    """Write *data* (str or bytes) at *path* through a temporary file in
    the same directory and a rename."""
    directory = os.path.dirname(os.path.abspath(path))
    mode = 'wb' if isinstance(data, bytes) else 'w'
    fd, temporary = tempfile.mkstemp(dir=directory, prefix='.%s.' %
                                     os.path.basename(path), suffix='.tmp')
    try:
        with os.fdopen(fd, mode, **({} if mode == 'wb' else
                                    {'encoding': 'utf-8'})) as f:
            f.write(data)
        # mkstemp makes the file private; a report is as readable as any
        # file the user creates.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
