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

"""Machine-made mutants of the reference, judged by the suite.

Cosmic Ray (``tox -e mutation-auto``) mutates each reference module in a
copy of the tree, and runs the checks of the areas that use the module
against every mutant, in one concurrency mode. A mutant that no check
kills is a survivor: a bug of the suite, unless the mutation cannot change
behaviour (an equivalent mutant). ``survivors.json`` holds every survivor
seen with its disposition; ``tests/test_mutants.py`` fails while one has
none.

* :mod:`tests.mutants.targets`: what is mutated, and which checks judge it;
* :mod:`tests.mutants.kill`: the test command Cosmic Ray runs per mutant;
* :mod:`tests.mutants.survivors`: the committed dispositions;
* :mod:`tests.mutants.auto`: sessions, workers, reports and kill rates.
"""
