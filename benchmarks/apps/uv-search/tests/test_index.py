from docsearch.index import search


def test_finds_cuda_doc():
    assert search("which CUDA tag do I ship on")[0][0] == "cuda-images"
