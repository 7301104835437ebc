"""The WeCom (企业微信) channel; credentials.yml names it rasa_addons.channels.wecom.WeComInput."""

from rasa_addons.channels.wecom.channel import WeComInput

__all__ = ["WeComInput"]
