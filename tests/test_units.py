from __future__ import annotations

import numpy as np

from weipian_plugin.core.units import MU_M2, m2_to_mu, mu_to_m2


def test_one_mu_is_two_thousand_thirds_square_metres():
    assert MU_M2 == 2000 / 3
    assert mu_to_m2(1.0) == MU_M2
    assert round(mu_to_m2(1.0), 2) == 666.67


def test_exact_for_multiples_of_three_mu():
    assert mu_to_m2(3.0) == 2000.0
    assert m2_to_mu(2000.0) == 3.0
    assert m2_to_mu(10000.0) == 15.0  # one hectare is 15 亩


def test_arrays_and_round_trip():
    m2 = np.array([0.0, 666.6666666666666, 2000.0, 10000.0, 123456.789])
    mu = m2_to_mu(m2)
    assert isinstance(mu, np.ndarray)
    np.testing.assert_allclose(mu, [0.0, 1.0, 3.0, 15.0, 185.1851835], rtol=1e-9)
    np.testing.assert_allclose(mu_to_m2(mu), m2, rtol=1e-15)
