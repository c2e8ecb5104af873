"""Weight-only quantisation of MGM Serve checkpoint graphs (int8 DequantizeLinear, 4-bit MatMulNBits)."""
