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

"""The hostile implementations, each the reference with one piece made
hostile."""

import errno
import os
import signal
import sys
import threading

from eventlet import patcher

from reference import threadpool
from tests import broken


def _submit_hangs_swallowing(self, fn, *args, **kwargs):
    # A hang inside "except Exception", as a defensive wrapper would have
    # it: the suite's bound must still end the check, with its own reason.
    try:
        threading.Event().wait(broken.BOUND)
    except Exception:
        pass
    return threadpool.DecisionEngineThreadPool.submit(self, fn, *args,
                                                      **kwargs)


HANGS_IN_SUBMIT = broken.implementation(
    'hangs-in-submit', type('HangingPool',
                            (threadpool.DecisionEngineThreadPool,),
                            {'submit': _submit_hangs_swallowing}))


def _submit_exits(self, fn, *args, **kwargs):
    os._exit(3)  # the worker process dies mid-check, without a word


DIES_IN_SUBMIT = broken.implementation(
    'dies-in-submit', type('DyingPool', (threadpool.DecisionEngineThreadPool,),
                           {'submit': _submit_exits}))


def _submit_kills_itself(self, fn, *args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


KILLED_IN_SUBMIT = broken.implementation(
    'killed-in-submit', type('KilledPool',
                             (threadpool.DecisionEngineThreadPool,),
                             {'submit': _submit_kills_itself}))


def _submit_sleeps(self, fn, *args, **kwargs):
    # Slow enough that a run is still going when the test stops it.
    threading.Event().wait(broken.BOUND)
    return threadpool.DecisionEngineThreadPool.submit(self, fn, *args,
                                                      **kwargs)


SLOW_SUBMIT = broken.implementation(
    'slow-submit', type('SlowPool', (threadpool.DecisionEngineThreadPool,),
                        {'submit': _submit_sleeps}))


class _HangingProvider:
    def __init__(self, settings):
        threading.Event().wait()  # never returns: preflight must bound it


HANGS_IN_FACTORY = broken.replace_piece('hangs-in-factory', 'threadpool',
                                        _HangingProvider)


def _submit_floods(self, fn, *args, **kwargs):
    # Megabytes on both streams, as a chatty implementation logs.
    line = 'flood ' * 20 + '\n'
    sys.stdout.write(line * 200000)
    sys.stderr.write(line * 200000)
    raise ValueError('and the check fails, so its output is reported')
    return threadpool.DecisionEngineThreadPool.submit(self, fn, *args,
                                                      **kwargs)


FLOODS_OUTPUT = broken.implementation(
    'floods-output', type('FloodingPool',
                          (threadpool.DecisionEngineThreadPool,),
                          {'submit': _submit_floods}))


def _submit_blocks_in_c(self, fn, *args, **kwargs):
    # The real time.sleep, which no green timer can interrupt: the whole
    # eventlet hub stops, as under a C database driver.
    patcher.original('time').sleep(120)
    return threadpool.DecisionEngineThreadPool.submit(self, fn, *args,
                                                      **kwargs)


BLOCKS_IN_C = broken.implementation(
    'blocks-in-c', type('BlockingPool', (threadpool.DecisionEngineThreadPool,),
                        {'submit': _submit_blocks_in_c}))


def _submit_on_a_full_disk(self, fn, *args, **kwargs):
    # What a pool that spools its queue to disk meets on a full disk.
    raise OSError(errno.ENOSPC, 'No space left on device', '/var/spool/x')


DISK_FULL = broken.implementation(
    'disk-full', type('SpoolingPool', (threadpool.DecisionEngineThreadPool,),
                      {'submit': _submit_on_a_full_disk}))
