import pytest

from chainleader.chainmap.models import CompanyProduct, GraphCompany, GraphIndustry
from chainleader.enterprises.models import Product
from chainleader.investment.services import targets_derive
from tests.chainmap.test_maps import mapped  # noqa: F401 - the small graph, tree and map, reused


def add_outside_maker() -> GraphCompany:
    """海立股份 (Shanghai) makes 压缩机: an outside maker of the compressor segment."""
    highly = GraphCompany.objects.create(
        ticker="600619.SH",
        name="海立股份",
        fullname="上海海立（集团）股份有限公司",
        exchange="上海证券交易所",
        industry=GraphIndustry.objects.get(code="330102"),
    )
    CompanyProduct.objects.create(
        company=highly, product=Product.objects.get(name="压缩机"), weight=0.8
    )
    return highly


@pytest.fixture
def ranked(mapped):  # noqa: F811
    chain = mapped[0]
    add_outside_maker()
    targets_derive()
    return chain
