import pytest

from chainleader.investment.services import targets_derive
from tests.chainmap.test_maps import mapped  # noqa: F401 - the small graph, tree and map, reused


@pytest.fixture
def ranked(mapped):  # noqa: F811
    chain, haier, shop, unsure = mapped
    targets_derive()
    return chain
