import vecops


def test_saxpy():
    assert vecops.saxpy(2.0, [1.0, 2.0], [0.5, 0.5])[0] == [2.5, 4.5]
