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

"""Lists, sets and dicts of futures, with and without _modify."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.threadpool import base


class CollectionsTest(base.ThreadPoolTestCase):

    def futures(self):
        return self.submit_values(range(2 * self.workers))

    def assert_untouched(self, collection):
        before = list(collection)
        seen = []
        self.do_while(base.COPY, collection, lambda f: seen.append(f))
        self.assertEqual(before, list(collection),
                         'do_while_futures changed the caller\'s collection')
        self.assertCountEqual(before, seen)

    def assert_consumed(self, collection):
        before = list(collection)
        seen = []
        self.do_while(base.MODIFY, collection, lambda f: seen.append(f))
        self.assertEqual(0, len(collection),
                         'do_while_futures_modify left %d futures in the '
                         'collection' % len(collection))
        self.assertCountEqual(before, seen)

    @catalogue.check(
        '0a5b95c8-dc01-419a-b0b9-2cdc4852cf7e', MUST, """
        do_while_futures MUST accept a list of futures and MUST leave the
        caller's list unchanged.""",
        covers=('threadpool.collections.copy_list',))
    def test_list_is_left_untouched(self):
        self.assert_untouched(self.futures())

    @catalogue.check(
        'fb289eb5-537a-4ed1-943a-c35fcbe17d6e', MUST, """
        do_while_futures MUST accept a set of futures and MUST leave the
        caller's set unchanged.""",
        covers=('threadpool.collections.copy_set',))
    def test_set_is_left_untouched(self):
        self.assert_untouched(set(self.futures()))

    @catalogue.check(
        'bbaf6bed-e5cd-4f74-824c-1343bc7c8d84', MUST, """
        do_while_futures MUST accept a dict whose keys are futures, call
        back each key, and leave the caller's dict unchanged.""",
        covers=('threadpool.collections.copy_dict',))
    def test_dict_is_left_untouched(self):
        self.assert_untouched({f: i for i, f in enumerate(self.futures())})

    @catalogue.check(
        '60b94cfb-77d4-447c-91ae-b2372ba67555', MUST, """
        do_while_futures_modify MUST accept a list of futures and MUST remove
        each future from it once called back.""",
        covers=('threadpool.collections.modify_list',))
    def test_list_is_consumed_with_modify(self):
        self.assert_consumed(self.futures())

    @catalogue.check(
        '5cea6edf-5bf6-4523-a728-7a08f6eb0fd8', MUST, """
        do_while_futures_modify MUST accept a set of futures and MUST remove
        each future from it once called back.""",
        covers=('threadpool.collections.modify_set',))
    def test_set_is_consumed_with_modify(self):
        self.assert_consumed(set(self.futures()))

    @catalogue.check(
        '6e7c9060-733c-4bc7-8dc8-ac364ed25cd4', MUST, """
        do_while_futures_modify MUST accept a dict whose keys are futures
        and remove each key once called back.""",
        covers=('threadpool.collections.modify_dict',))
    def test_dict_is_consumed_with_modify(self):
        self.assert_consumed({f: i for i, f in enumerate(self.futures())})

    @catalogue.check(
        'f0fa2c8b-a194-4307-864a-955cf1f736c6', MUST, """
        do_while_futures MUST return at once, without calling the callback,
        when given an empty collection.""",
        covers=('threadpool.collections.empty',))
    def test_empty_collection_returns_at_once(self):
        seen = []
        self.do_while(base.COPY, [], seen.append)
        self.assertEqual([], seen)

    @catalogue.check(
        'dc2aa529-a041-45ee-879c-4fc24400cada', MUST, """
        do_while_futures_modify MUST return at once, without calling the
        callback, when given an empty collection.""",
        covers=('threadpool.collections.empty',))
    def test_empty_collection_returns_at_once_modify(self):
        seen = []
        self.do_while(base.MODIFY, [], seen.append)
        self.assertEqual([], seen)
