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

"""The one contract between the suite and an implementation under test.

An implementation is one :class:`Implementation` object, published in the
entry point group ``watcher_conformance.implementations`` or named as
``package.module:attribute``. It declares:

* its ``name`` and ``version``;
* the concurrency ``modes`` it supports (see :mod:`watcher_conformance.modes`);
* the optional ``features`` it claims (:data:`FEATURES`): a check that needs
  an unclaimed feature skips with a reason instead of failing;
* the ``policies`` it follows where the contract allows a choice
  (:data:`POLICIES`);
* a factory per piece it provides (:data:`PIECES`): a callable taking
  :class:`Settings` and returning a :class:`Provider`. An area whose piece is
  not provided skips with a reason.

The piece interfaces follow upstream Watcher's public API, so that adapting
upstream stays thin: a threadpool has ``submit(fn, *args, **kwargs)``,
``do_while_futures(futures, fn, *args, futures_timeout=None, **kwargs)`` and
``do_while_futures_modify(...)`` like ``DecisionEngineThreadPool``.
"""

import abc
import collections.abc
import dataclasses
import types

from watcher_conformance import modes

MUST = 'MUST'
SHOULD = 'SHOULD'
LEVELS = (MUST, SHOULD)


class ContractError(Exception):
    """An implementation does not keep the contract's form."""


@dataclasses.dataclass(frozen=True)
class Feature:
    """An optional capability an implementation may claim."""

    name: str
    piece: str
    description: str
    methods: tuple = ()


@dataclasses.dataclass(frozen=True)
class Piece:
    """A kind of piece the suite checks, and the methods it must have."""

    name: str
    description: str
    required: tuple
    #: Policies an implementation providing the piece must declare.
    policies: tuple = ()


PIECES = {p.name: p for p in (
    Piece('threadpool',
          "the decision engine's general-purpose pool "
          '(upstream DecisionEngineThreadPool)',
          required=('submit', 'do_while_futures', 'do_while_futures_modify')),
    Piece('model_builder',
          "the decision engine's Nova compute data-model builder (upstream "
          'NovaModelBuilder): build(nova, placement, scope, timeout) and '
          'view(model), see watcher_conformance.datamodel',
          required=('build', 'view'),
          policies=('model_builder.fault_policy',)),
    Piece('workflow_engine',
          "the applier's workflow engine (upstream DefaultWorkFlowEngine): "
          'execute(plan, make_action), states(plan_uuid), '
          'plan_state(plan_uuid), see watcher_conformance.workflow',
          required=('execute', 'states', 'plan_state'),
          policies=('workflow.failure_policy',)),
    Piece('primitives',
          "the service's locks and offloading: lock(name, external=False, "
          'lock_path=None, fair=False) as a context manager '
          '(oslo.concurrency lockutils), offload(fn, *args) for calls that '
          'block in C',
          required=('lock', 'offload')),
    Piece('conductor',
          'the conductor pattern: per-resource ordered operations on a '
          'pool, caller-runs when it is exhausted, states in a database, '
          'recovery after a restart, see watcher_conformance.conductor',
          required=('serve', 'submit', 'statistics', 'states', 'recover',
                    'close')),
    Piece('audit_executor',
          "the decision engine's audit executor: audits in a pool reading "
          'one shared compute model (shared_model(nova, placement, scope, '
          'timeout), submit_audit(shared, fn), view(model)), see '
          'watcher_conformance.datamodel',
          required=('shared_model', 'submit_audit', 'view')),
)}

FEATURES = {f.name: f for f in (
    Feature('threadpool.futures_timeout', 'threadpool',
            'do_while_futures and do_while_futures_modify take '
            'futures_timeout=SECONDS: when no future finishes within it, '
            'futures not yet started are cancelled and the call returns'),
    Feature('threadpool.wait', 'threadpool',
            'the pool offers wait_for_all(futures, timeout=None) and '
            'wait_for_any(futures, timeout=None) returning (done, not_done)',
            methods=('wait_for_all', 'wait_for_any')),
    Feature('threadpool.shutdown', 'threadpool',
            'the pool offers shutdown(wait=True): queued work completes, '
            'later submits raise RuntimeError',
            methods=('shutdown',)),
    Feature('threadpool.statistics', 'threadpool',
            'the pool offers statistics with executed and failures counts',
            methods=('statistics',)),
    Feature('model_builder.shared_model', 'model_builder',
            'the builder offers collector(nova, placement, scope, timeout) '
            'whose get_latest_cluster_data_model() builds one shared model '
            'on first access and returns it (or a copy) to every caller',
            methods=('collector',)),
    Feature('workflow.cancel', 'workflow_engine',
            'the engine offers cancel(plan_uuid): actions not started never '
            'start, running ones are aborted, the plan ends CANCELLED',
            methods=('cancel',)),
    Feature('primitives.external_locks', 'primitives',
            'lock(name, external=True, lock_path=DIR) also excludes other '
            'processes, through a lock file in DIR'),
    Feature('primitives.fair_locks', 'primitives',
            'lock(name, fair=True) grants the lock in the order it was asked '
            'for'),
    Feature('workflow.execution_rules', 'workflow_engine',
            "a plan's execution_rule (ALWAYS or ANY) replaces the failure "
            'policy for that plan'),
)}

#: Choices the contract leaves to the implementation: name -> allowed values.
POLICIES = {
    'workflow.failure_policy': ('revert', 'continue'),
    # What a model builder does when Nova or Placement fails it (an error,
    # a timeout, a malformed record): raise an exception from build(), or
    # return a model whose view says complete=False.
    'model_builder.fault_policy': ('raise', 'mark_incomplete'),
}


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the suite asks of a piece it builds.

    :param mode: the concurrency mode the process runs in.
    :param max_workers: the worker count a pool must be configured with.
    :param database_url: the SQLAlchemy URL of the database a piece keeps
        its state in (the workflow engine, the conductor), or None when it
        needs none.
    :param coordination_url: the tooz backend URL pieces coordinate
        processes through (the conductor), or None.
    :param member: the name of this service instance among its peers (the
        conductor's host): a restarted instance has the same.
    """

    mode: str
    max_workers: int
    database_url: str = None
    coordination_url: str = None
    member: str = None


class Provider(abc.ABC):
    """Hands the suite one piece, built fresh for each test.

    A factory in :attr:`Implementation.pieces` returns a provider. The suite
    calls :meth:`get` for the piece, as often as it likes, and :meth:`reset`
    when the test ends.
    """

    @abc.abstractmethod
    def get(self):
        """The piece. For a process-wide singleton, the same object every
        time until :meth:`reset`."""

    @abc.abstractmethod
    def reset(self):
        """Forget the piece and release what it holds (stop its workers
        without waiting for stuck work), so the next test starts fresh."""


@dataclasses.dataclass(frozen=True)
class Implementation:
    """An implementation of the concurrency pieces, as the suite sees it.

    :param name: short name, shown in reports.
    :param version: its version string.
    :param modes: names of the concurrency modes it supports.
    :param pieces: piece name -> factory(:class:`Settings`) ->
        :class:`Provider`.
    :param features: names of the optional features it claims.
    :param policies: policy name -> the value it follows.
    :param description: one line for reports.
    """

    name: str
    version: str
    modes: frozenset
    pieces: collections.abc.Mapping
    features: frozenset = frozenset()
    policies: collections.abc.Mapping = dataclasses.field(
        default_factory=dict)
    description: str = ''

    def __post_init__(self):
        # Frozen: normalise through object.__setattr__ once, then validate.
        for name, kind in (('modes', frozenset), ('features', frozenset)):
            object.__setattr__(self, name, kind(getattr(self, name)))
        for name in ('pieces', 'policies'):
            object.__setattr__(self, name, types.MappingProxyType(
                dict(getattr(self, name))))
        self._validate()

    def _validate(self):
        def unknown(kind, given, known):
            bad = sorted(set(given) - set(known))
            if bad:
                raise ContractError(
                    'implementation %r declares unknown %s %s (known: %s)'
                    % (self.name, kind, ', '.join(map(repr, bad)),
                       ', '.join(sorted(known))))
        unknown('mode', self.modes, modes.MODES)
        unknown('piece', self.pieces, PIECES)
        unknown('feature', self.features, FEATURES)
        unknown('policy', self.policies, POLICIES)
        for name, value in self.policies.items():
            if value not in POLICIES[name]:
                raise ContractError(
                    'implementation %r: policy %s=%r is not one of %s'
                    % (self.name, name, value, ', '.join(POLICIES[name])))
        for name, factory in self.pieces.items():
            if not callable(factory):
                raise ContractError('implementation %r: the factory for %s '
                                    'is not callable' % (self.name, name))
            for policy in PIECES[name].policies:
                if policy not in self.policies:
                    raise ContractError(
                        'implementation %r provides %s but does not declare '
                        'policy %s (one of %s)'
                        % (self.name, name, policy,
                           ', '.join(POLICIES[policy])))

    def claims(self, feature):
        return feature in self.features


def missing_methods(implementation, piece_name, obj):
    """Methods the piece lacks: the required ones and those of claimed
    features."""
    wanted = list(PIECES[piece_name].required)
    for feature in sorted(implementation.features):
        if FEATURES[feature].piece == piece_name:
            wanted.extend(FEATURES[feature].methods)
    return [m for m in wanted if not hasattr(obj, m)]


def validate_piece(implementation, piece_name, obj):
    """Raise :class:`ContractError` naming the piece and a missing method."""
    missing = missing_methods(implementation, piece_name, obj)
    if missing:
        raise ContractError(
            'implementation %r: its %s (%s) lacks required method%s %s'
            % (implementation.name, piece_name, type(obj).__qualname__,
               's' if len(missing) > 1 else '',
               ', '.join(repr(m) for m in missing)))
