"""Callback crypto against the official WXBizMsgCrypt sample vectors, and what it must refuse."""

import base64

import pytest

from rasa_addons.channels.wecom.crypto import BLOCK_SIZE, CallbackCrypto, CryptoError

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"

# Official sample, example 1 (URL verification).
VERIFY = dict(
    signature="012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
    timestamp="1476416373",
    nonce="47744683",
    echostr="fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
)
# Official sample, example 2 (a user's message).
MESSAGE = dict(
    signature="0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
    timestamp="1476422779",
    nonce="1597212914",
    encrypt="Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNs"
    "hw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh"
    "010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNf"
    "SsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+",
)


@pytest.fixture
def crypto() -> CallbackCrypto:
    return CallbackCrypto(TOKEN, AES_KEY, CORP_ID)


def test_official_url_verification_vector(crypto):
    assert crypto.verify(VERIFY["signature"], VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"])
    assert crypto.decrypt(VERIFY["echostr"]) == "1288432023552776189"


def test_official_message_vector(crypto):
    assert crypto.verify(MESSAGE["signature"], MESSAGE["timestamp"], MESSAGE["nonce"], MESSAGE["encrypt"])
    assert crypto.decrypt(MESSAGE["encrypt"]) == (
        "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>"
        "<CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
        "<MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>"
    )


def test_round_trip_chinese_and_known_ciphertext(crypto):
    text = "<xml><Content><![CDATA[什么是移情服务？]]></Content></xml>"
    assert crypto.decrypt(crypto.encrypt(text)) == text
    # same prefix, same ciphertext: the layout (prefix, length, message, receive id, padding) is fixed
    assert crypto.encrypt("你好", random_prefix=b"0" * 16) == crypto.encrypt("你好", random_prefix=b"0" * 16)
    assert crypto.encrypt("你好") != crypto.encrypt("你好")  # random prefix otherwise


def test_padding_is_to_32_byte_blocks(crypto):
    for size in range(0, 70):
        raw = base64.b64decode(crypto.encrypt("x" * size))
        assert len(raw) % BLOCK_SIZE == 0
        assert len(raw) >= 16 + 4 + size + len(CORP_ID) + 1


def test_bad_signature_is_refused(crypto):
    assert not crypto.verify("0" * 40, VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"])
    assert not crypto.verify(VERIFY["signature"], "1476416374", VERIFY["nonce"], VERIFY["echostr"])
    assert not CallbackCrypto("another-token", AES_KEY, CORP_ID).verify(
        VERIFY["signature"], VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"]
    )


def test_other_receive_id_is_refused(crypto):
    other = CallbackCrypto(TOKEN, AES_KEY, "ww0000000000000000")
    with pytest.raises(CryptoError, match="receive id"):
        crypto.decrypt(other.encrypt("hello"))


def test_bad_padding_is_refused(crypto):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(AES_KEY + "=")
    plain = b"0" * 16 + b"\x00\x00\x00\x02hi" + CORP_ID.encode()
    plain += b"\x00" * (BLOCK_SIZE - len(plain) % BLOCK_SIZE)  # pad byte 0 is never valid
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    with pytest.raises(CryptoError, match="padding"):
        crypto.decrypt(base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode())


@pytest.mark.parametrize("ciphertext", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_garbage_ciphertext_is_refused(crypto, ciphertext):
    with pytest.raises(CryptoError):
        crypto.decrypt(ciphertext)


@pytest.mark.parametrize(
    "token, key, corp",
    [("", AES_KEY, CORP_ID), (TOKEN, AES_KEY[:-1], CORP_ID), (TOKEN, "!" * 43, CORP_ID), (TOKEN, AES_KEY, "")],
)
def test_bad_settings_are_refused(token, key, corp):
    with pytest.raises(ValueError):
        CallbackCrypto(token, key, corp)


def test_repr_shows_no_secret(crypto):
    assert TOKEN not in repr(crypto) and AES_KEY not in repr(crypto)
