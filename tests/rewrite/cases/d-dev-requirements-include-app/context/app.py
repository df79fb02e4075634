import itsdangerous
print("signed", itsdangerous.Signer("k").sign(b"x").decode())
