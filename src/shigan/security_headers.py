"""The browser's security policies, read into the settings (settings.py imports them): which
scripts, styles and frames a page may use, and which browser features it may ask for."""

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

__all__ = ["CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY"]

# Content-Security-Policy (django-csp): scripts only from our own static files (a template that
# really needs an inline script gives it {{ request.csp_nonce }}); no inline handlers, no eval,
# no framing. Styles still allow 'unsafe-inline': a few templates set a computed width in a
# style attribute, and ECharts' tooltips and htmx's indicator style are inline styles. Inline
# style cannot run script, so this is the accepted remainder.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Permissions-Policy (django-permissions-policy; Django has no setting for it): shigan uses no
# camera, microphone, location, payment or device API, so every such feature is off, for its
# pages and for anything they might embed. A file input with `capture` opens the phone's camera
# app without the camera permission, so evidence photos still work.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics",
        "camera", "clipboard-read", "display-capture", "encrypted-media", "gamepad",
        "geolocation", "gyroscope", "hid", "idle-detection", "interest-cohort",
        "local-fonts", "magnetometer", "microphone", "midi", "otp-credentials", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
        "usb", "web-share", "xr-spatial-tracking",
    )
}  # fmt: skip
