package provenance

import "errors"

// ErrMalformed is replaced by verify.go's definition when the crypto branch lands.
var ErrMalformed = errors.New("malformed manifest")
