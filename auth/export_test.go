package auth

// DecodeHashForTest exposes the strict decoder to the fuzz test.
func DecodeHashForTest(encoded string) (Params, []byte, []byte, error) { return decodeHash(encoded) }

// EncodeHashForTest exposes the encoder.
func EncodeHashForTest(p Params, salt, key []byte) string { return encodeHash(p, salt, key) }

// HashWithForTest hashes with chosen parameters.
func HashWithForTest(password string, p Params) (string, error) { return hashWith(password, p) }
