import ctypes; print("loaded", ctypes.CDLL("./libsaxpy.so") is not None)
