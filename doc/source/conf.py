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

"""Sphinx configuration. Plain Sphinx only; ``tox -e docs`` builds with

    sphinx-build -W --keep-going -b html doc/source doc/build/html

The pages include the example code of ``examples/`` (which
``tests/test_doc_examples.py`` runs) and the generated ``catalogue.rst``
(``python -m watcher_conformance.tools.catalogue_doc``).
"""

project = 'watcher-conformance'
copyright = 'The watcher-conformance Authors'
author = 'The watcher-conformance Authors'

extensions = []

root_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = []

language = 'en'
highlight_language = 'python3'
pygments_style = 'sphinx'

html_theme = 'alabaster'
html_static_path = []
