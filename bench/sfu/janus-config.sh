#!/usr/bin/env bash
# Writes a minimal Janus config (VideoRoom + HTTP only, ICE-lite, bound to one address) into $1.
# Usage: janus-config.sh <dir> <ip>
set -euo pipefail
dir=$1 ip=$2
mkdir -p "$dir"
cp /etc/janus/janus.jcfg /etc/janus/janus.plugin.videoroom.jcfg /etc/janus/janus.transport.http.jcfg "$dir/"
# Only the VideoRoom plugin and the HTTP transport; no event handlers or loggers. ICE-lite, so that
# Janus, like our SFU, answers the load generator's checks instead of running its own.
python3 - "$dir" "$ip" <<'PY'
import re, sys
d, ip = sys.argv[1], sys.argv[2]
p = f"{d}/janus.jcfg"
s = open(p).read()
s = re.sub(r'plugins: \{', 'plugins: {\n\tdisable = "libjanus_audiobridge.so,libjanus_echotest.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so,libjanus_duktape.so,libjanus_lua.so"', s, count=1)
s = re.sub(r'transports: \{', 'transports: {\n\tdisable = "libjanus_websockets.so,libjanus_pfunix.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_rabbitmq.so"', s, count=1)
s = re.sub(r'events: \{', 'events: {\n\tbroadcast = false', s, count=1)
s = re.sub(r'nat: \{', f'nat: {{\n\tice_lite = true\n\tignore_mdns = true', s, count=1)
s = re.sub(r'media: \{', 'media: {\n\tno_media_timer = 10', s, count=1)
open(p, "w").write(s)
p = f"{d}/janus.transport.http.jcfg"
s = open(p).read()
s = re.sub(r'^(\s*)#?ip = .*', rf'\1ip = "{ip}"', s, count=1, flags=re.M)
open(p, "w").write(s)
PY
