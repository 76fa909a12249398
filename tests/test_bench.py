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

"""The benchmark harness (``watcher-conformance bench``), on a tiny case:
what it reports, not how fast anything is."""

import functools
import io
import json
import math
import os
import subprocess
import sys

import fixtures

from reference import builder as builder_
from reference import implementation as reference
from tests import base
from watcher_conformance.bench import cases
from watcher_conformance.bench import measure
from watcher_conformance.bench import model_builder
from watcher_conformance.bench import table
from watcher_conformance.cmd import main
from watcher_conformance import contract
from watcher_conformance import datamodel
from watcher_conformance.nova import oracle

#: Fast enough for a unit test: no latency, eight instances.
TINY = model_builder.case('tiny', nodes=4, instances=2, latency=0.0,
                          workers=2, bound=model_builder.io_bound,
                          targets={'seconds': 60.0, 'peak_memory_mb': 1000},
                          upstream={'seconds': 17})
CASE_KEYS = {'name', 'seconds', 'bound_seconds', 'ratio', 'peak_memory_mb',
             'raw_seconds', 'raw_ratio', 'target', 'meets_target',
             'upstream', 'repeat', 'error'}


class DropsInstances(builder_.Build):
    """Forgets the first instance of every node."""

    def on_instances(self, future):
        node = self.instance_futures[future]
        self.model.add_instances(node, future.result()[1:])


class DroppingBuilder(builder_.NovaModelBuilder):
    build_class = DropsInstances


class FailingBuilder(builder_.NovaModelBuilder):

    def build(self, *args):
        raise RuntimeError('no\nNova')


def _implementation(builder_class, resets=None):
    """The reference, its model builder replaced by *builder_class*; each
    reset of its provider appended to *resets*."""

    class Provider(reference.ModelBuilderProvider):
        def reset(self):
            super().reset()
            if resets is not None:
                resets.append(self)

    return contract.Implementation(
        name='variant', version='1', modes={'threading', 'eventlet'},
        pieces={'model_builder': functools.partial(
            Provider, builder_class=builder_class)},
        policies={'model_builder.fault_policy': 'raise'})


class BenchTest(base.TestCase):

    def run_case(self, case=TINY, impl=reference.IMPLEMENTATION, repeat=2):
        return measure.run_case(case, impl, self.mode, repeat)

    def test_report_shape(self):
        result = self.run_case()
        self.assertIsNone(result.error)
        report = json.loads(json.dumps(measure.report(
            [result], reference.IMPLEMENTATION, 'reference', self.mode)))
        self.assertEqual({'mode', 'implementation', 'python', 'cases'},
                         set(report))
        self.assertEqual(self.mode, report['mode'])
        self.assertEqual('reference', report['implementation']['name'])
        self.assertIn(sys.version.split()[0], report['python'])
        entry, = report['cases']
        self.assertEqual(CASE_KEYS, set(entry))
        self.assertEqual('tiny', entry['name'])
        self.assertEqual(2, entry['repeat'])
        for key in ('seconds', 'raw_seconds', 'raw_ratio', 'peak_memory_mb'):
            self.assertGreater(entry[key], 0, key)
        # No latency: a bound of 0, and no ratio to it.
        self.assertEqual(0.0, entry['bound_seconds'])
        self.assertIsNone(entry['ratio'])
        self.assertEqual({'seconds': 60.0, 'peak_memory_mb': 1000},
                         entry['target'])
        self.assertEqual({'seconds': 17}, entry['upstream'])
        self.assertIs(True, entry['meets_target'])
        self.assertIsNone(entry['error'])

    def test_no_memory_run_unless_asked(self):
        case = model_builder.case('tiny', nodes=4, instances=2, latency=0.0,
                                  workers=2)
        result = self.run_case(case, repeat=1)
        self.assertIsNone(result.error)
        self.assertIsNone(result.peak_memory_mb)
        self.assertIsNone(result.meets_target)  # no targets

    def test_bound(self):
        bound = {c.name: c.bound_seconds() for c in model_builder.CASES}
        self.assertEqual({'build-200x10-w4': 0.005 * 103,
                          'build-200x10-w16': 0.005 * 28,
                          'build-1000x10': 0.002 * 128,
                          'build-10000x20': 0.0}, bound)
        # ceil(2N / W) rounds up: 10 calls on 4 workers take 3 rounds.
        odd = model_builder.case('odd', nodes=5, instances=1, latency=0.5,
                                 workers=4, bound=model_builder.io_bound)
        self.assertEqual(0.5 * (3 + math.ceil(10 / 4)), odd.bound_seconds())
        result = measure.Result(odd, seconds=6.0, raw_seconds=4.0)
        self.assertEqual(2.0, result.ratio)
        self.assertEqual(1.5, result.raw_ratio)

    def test_targets(self):
        case = model_builder.case('t', nodes=1, instances=1, latency=0.1,
                                  workers=1, bound=model_builder.io_bound,
                                  targets={'ratio': 1.1})
        self.assertTrue(measure.Result(case, seconds=0.5).meets_target)
        missed = measure.Result(case, seconds=0.6)
        self.assertFalse(missed.meets_target)
        self.assertEqual(['ratio'], missed.missed)
        self.assertFalse(measure.Result(case).meets_target)  # not measured
        self.assertTrue(case.memory is False)
        self.assertTrue(TINY.memory)  # implied by its memory target

    def test_wrong_model_is_an_error(self):
        resets = []
        result = self.run_case(impl=_implementation(DroppingBuilder, resets))
        self.assertIsNotNone(result.error)
        self.assertTrue(result.error.startswith('wrong result: '),
                        result.error)
        self.assertIn('4 instances missing', result.error)
        self.assertIsNone(result.seconds)
        self.assertIs(False, result.meets_target)
        self.assertEqual(1, len(resets))
        self.assertIn('ERROR', table.format_table(
            [result], measure.report([result], reference.IMPLEMENTATION,
                                     'reference', self.mode)))

    def test_exception_is_an_error_on_one_line(self):
        resets = []
        result = self.run_case(impl=_implementation(FailingBuilder, resets))
        self.assertEqual('RuntimeError: no Nova', result.error)
        self.assertEqual(0, result.repeat)
        self.assertEqual(1, len(resets))

    def test_piece_not_provided(self):
        impl = contract.Implementation(
            name='pool only', version='1', modes={'threading'},
            pieces={'threadpool': reference.ThreadPoolProvider})
        result = self.run_case(impl=impl)
        self.assertIn('does not provide the model_builder piece',
                      result.error)

    def test_raw_baseline_fetches_the_whole_cloud(self):
        workload = model_builder.Build(workers=2, nodes=12, instances=3,
                                       latency=0.0)
        workload.setup()
        self.addCleanup(workload.teardown)
        nodes, servers, node_of = workload.prepare_raw()()
        want = oracle.expected(workload.cloud, datamodel.Scope())
        self.assertEqual(set(want.nodes), set(nodes))
        self.assertEqual(set(want.instances), set(servers))
        self.assertEqual(want.mapping, node_of)

    def test_select(self):
        names = [c.name for c in cases.CASES]
        self.assertEqual(names, [c.name for c in cases.select()])
        self.assertEqual(names[:1], [c.name for c in cases.select(
            [names[0], names[0]])])
        self.assertRaisesRegex(cases.UnknownCase, "unknown case 'x'",
                               cases.select, ['x'])

    def test_table(self):
        result = measure.Result(TINY, seconds=0.25, raw_seconds=0.125,
                                peak_memory_mb=12.5, repeat=3)
        failed = measure.Result(TINY, error='wrong result: 1 node missing')
        text = table.format_table([result, failed], measure.report(
            [result, failed], reference.IMPLEMENTATION, 'reference',
            'threading'))
        self.assertIn('best of 3 run(s)', text)
        row = next(line for line in text.splitlines()
                   if line.startswith('tiny ') and 'ok' in line)
        for cell in ('0.250', '0.125', '2.000x', '12.5',
                     '<=60 s, <=1000 MB', '17 s'):
            self.assertIn(cell, row)
        self.assertIn('tiny: wrong result: 1 node missing', text)
        self.assertIn('Placement latency is 0, so the bound counts only the '
                      '2N Nova calls', ' '.join(text.split()))


class CommandTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MockPatch(
            'watcher_conformance.bench.cases.CASES', (TINY,)))
        self.out = self.useFixture(fixtures.MonkeyPatch(
            'sys.stdout', io.StringIO())).new_value
        self.err = self.useFixture(fixtures.MonkeyPatch(
            'sys.stderr', io.StringIO())).new_value
        self.path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'new', 'bench.json')

    def bench(self, *args):
        return main.main(['bench', '--repeat', '1', '--output', self.path] +
                         list(args))

    def test_writes_json_and_prints_the_table(self):
        self.assertEqual(0, self.bench())
        with open(self.path) as f:
            report = json.load(f)
        self.assertEqual(['tiny'], [c['name'] for c in report['cases']])
        self.assertEqual(1, report['cases'][0]['repeat'])
        self.assertIn('tiny ', self.out.getvalue())

    def test_check_fails_on_a_missed_target(self):
        missed = model_builder.case('tiny', nodes=4, instances=2,
                                    latency=0.0, workers=2,
                                    targets={'seconds': 0.0})
        self.useFixture(fixtures.MockPatch(
            'watcher_conformance.bench.cases.CASES', (missed,)))
        self.assertEqual(0, self.bench())
        self.assertEqual(1, self.bench('--check'))
        self.assertIn('MISSED seconds', self.out.getvalue())

    def test_bad_repeat(self):
        self.assertEqual(2, main.main(['bench', '--repeat', '0']))
        self.assertIn('--repeat', self.err.getvalue())


class CommandLineTest(base.TestCase):

    def test_unknown_case_is_one_line(self):
        env = dict(os.environ)
        env.pop('PYTHON', None)
        env.pop('OS_WATCHER_CONFORMANCE__MODE', None)
        result = subprocess.run(
            [sys.executable, '-m', 'watcher_conformance.cmd.main', 'bench',
             '--case', 'nosuch', '--output', os.devnull], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True)
        self.assertEqual(2, result.returncode, result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), result.stderr)
        self.assertTrue(lines[0].startswith(
            "watcher-conformance: unknown case 'nosuch' (known cases: "),
            lines[0])
        for case in cases.CASES:
            self.assertIn(case.name, lines[0])
