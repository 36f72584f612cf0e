package git

import "bytes"

// signatureHeader is the header of a commit's signature in a SHA-1
// repository; otherSignatureHeaders are those of other object formats,
// which git leaves out of the payload as well.
const signatureHeader = "gpgsig"

// SignedPayload splits a raw commit object into the payload its signature
// covers and the signature, as git's parse_buffer_signed_by_header does:
// the value of the "gpgsig" header, its continuation lines (a leading
// space) joined with their newlines, is the signature; the payload is the
// object without that header, and without the signature headers of other
// object formats (gpgsig-sha256). Only the header is searched: the message
// is payload whatever it holds. ok is false when the commit is not signed.
// Several gpgsig headers are joined into one signature, as git joins them;
// such a signature then fails to parse.
func SignedPayload(data []byte) (payload, signature []byte, ok bool) {
	var inSignature, otherSignature bool
	rest := data
	for len(rest) > 0 {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		whole := rest[:len(rest)-len(next)] // the line with its newline, if any
		rest = next
		var sig []byte
		switch {
		case inSignature && len(line) > 0 && line[0] == ' ':
			sig = whole[1:]
		case bytes.HasPrefix(line, []byte(signatureHeader+" ")):
			sig = whole[len(signatureHeader)+1:]
			otherSignature = false
		case bytes.HasPrefix(line, []byte(signatureHeader)):
			otherSignature = true // gpgsig-sha256 and the like
		case otherSignature && (len(line) == 0 || line[0] != ' '):
			otherSignature = false
		}
		if sig != nil {
			signature = append(signature, sig...)
			ok, inSignature = true, true
			continue
		}
		inSignature = false
		if len(line) == 0 {
			// The header ends: the message is payload, whatever it holds.
			payload = append(payload, whole...)
			payload = append(payload, rest...)
			break
		}
		if !otherSignature {
			payload = append(payload, whole...)
		}
	}
	if !ok {
		return nil, nil, false
	}
	return payload, signature, true
}
