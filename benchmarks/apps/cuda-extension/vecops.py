"""saxpy through the CUDA library built from saxpy.cu (libsaxpy.so, loaded with ctypes): on the
GPU when a CUDA device answers, on the CPU otherwise. Loading the library needs the CUDA
runtime library (libcudart) of the image; no GPU is needed to load it or to ask for devices."""

import ctypes
import os

_LIB = ctypes.CDLL(os.path.join(os.path.dirname(os.path.abspath(__file__)), "libsaxpy.so"))
_LIB.saxpy_error_name.restype = ctypes.c_char_p
_FLOATS = ctypes.POINTER(ctypes.c_float)


def devices() -> tuple[int, str]:
    """(number of CUDA devices, why there are none)."""
    n = _LIB.saxpy_device_count()
    if n >= 0:
        return n, "" if n else "no device"
    return 0, _LIB.saxpy_error_name(-n).decode()


def saxpy(a: float, x: list[float], y: list[float]) -> tuple[list[float], str]:
    """(a*x + y, where it ran: "cuda" or "host")."""
    n = len(x)
    xs = (ctypes.c_float * n)(*x)
    ys = (ctypes.c_float * n)(*y)
    where = "host"
    if devices()[0] and _LIB.saxpy_device(n, ctypes.c_float(a), xs, ys) == 0:
        where = "cuda"
    else:
        _LIB.saxpy_host(n, ctypes.c_float(a), xs, ys)
    return [round(v, 4) for v in ys], where


def selftest() -> str:
    result, where = saxpy(2.0, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
    count, why = devices()
    return f"saxpy {result} on {where}; built with CUDA {_LIB.saxpy_built_with()}; devices {count} ({why or 'ok'})"


if __name__ == "__main__":
    print(selftest())
