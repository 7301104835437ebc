"""WeCom (企业微信) callback crypto: signatures and AES-256-CBC message encryption.

WeCom signs every callback with SHA1 over the sorted token, timestamp, nonce and ciphertext, and
encrypts the message with the app's EncodingAESKey: key = base64(EncodingAESKey + "="), IV = the
key's first 16 bytes, PKCS#7 padding to 32-byte blocks, plaintext = 16 random bytes + 4-byte
big-endian length + message + receive id (the CorpID). A message for another receive id is refused.

Usage:
    crypto = CallbackCrypto(token="hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
        aes_key="6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", receive_id="ww1436e0e65a779aee")
    ciphertext = crypto.encrypt("你好")
    crypto.decrypt(ciphertext)  # → '你好'
    crypto.verify(crypto.sign("1", "2", ciphertext), "1", "2", ciphertext)  # → True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_SIZE = 32  # WeCom pads to 32 bytes, not AES's 16
_AES_KEY_CHARS = 43


class CryptoError(ValueError):
    """A callback that cannot be trusted or read: bad signature, ciphertext, padding or receive id."""


class CallbackCrypto:
    def __init__(self, token: str, aes_key: str, receive_id: str) -> None:
        if not token:
            raise ValueError("WeCom token is empty")
        if not receive_id:
            raise ValueError("WeCom receive id (CorpID) is empty")
        if len(aes_key) != _AES_KEY_CHARS:
            raise ValueError(f"WeCom EncodingAESKey must have {_AES_KEY_CHARS} characters, not {len(aes_key)}")
        try:
            key = base64.b64decode(aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError("WeCom EncodingAESKey is not base64") from exc
        self._token = token
        self._key = key
        self._receive_id = receive_id.encode()

    def __repr__(self) -> str:  # never show the token or key
        return f"CallbackCrypto(receive_id={self._receive_id.decode()!r})"

    def sign(self, timestamp: str, nonce: str, ciphertext: str) -> str:
        joined = "".join(sorted([self._token, timestamp, nonce, ciphertext]))
        return hashlib.sha1(joined.encode()).hexdigest()

    def verify(self, signature: str, timestamp: str, nonce: str, ciphertext: str) -> bool:
        return hmac.compare_digest(self.sign(timestamp, nonce, ciphertext), signature.lower())

    def encrypt(self, message: str, random_prefix: bytes | None = None) -> str:
        body = message.encode()
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError("the random prefix must have 16 bytes")
        plain = prefix + struct.pack(">I", len(body)) + body + self._receive_id
        pad = BLOCK_SIZE - len(plain) % BLOCK_SIZE
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            raw = base64.b64decode(ciphertext, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CryptoError("ciphertext is not base64") from exc
        if not raw or len(raw) % 16:
            raise CryptoError("ciphertext length is not a multiple of the AES block")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(raw) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK_SIZE or plain[-pad:] != bytes([pad]) * pad:
            raise CryptoError("bad padding")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise CryptoError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        body, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if len(body) != length:
            raise CryptoError("message length does not match")
        if not hmac.compare_digest(receive_id, self._receive_id):
            raise CryptoError("message is for another receive id")
        try:
            return body.decode()
        except UnicodeDecodeError as exc:
            raise CryptoError("message is not UTF-8") from exc

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))
