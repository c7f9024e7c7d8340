#!/bin/sh
# Regenerates test/fixtures/audio/ (see its README.md). Needs espeak-ng, sox and ffmpeg
# (Debian: apt-get install -y espeak-ng sox libsox-fmt-all ffmpeg). The outputs are committed;
# encoders may differ by a few bytes between versions, the durations do not.
set -eu
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/audio"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# Two voices: a female US voice, then a male British one, 0.4 s apart, 16 kHz mono 16-bit.
espeak-ng -v en-us+f3 -s 170 -w a.wav "Hi, this is Jane from Acme. How can I help?"
espeak-ng -v en-gb+m3 -s 160 -w b.wav "Tell me about your pricing."
sox a.wav -r 16000 a16.wav
sox b.wav -r 16000 b16.wav
sox a16.wav -p pad 0 0.4 | sox - b16.wav -b 16 "$out/two-voices.wav"
ff() { ffmpeg -hide_banner -loglevel error -y -i "$out/two-voices.wav" -map_metadata -1 -fflags +bitexact "$@"; }
# MP3 VBR (Xing header), and CBR without a Xing header but with an ID3v2 tag in front.
ff -c:a libmp3lame -q:a 7 "$out/two-voices.mp3"
ff -c:a libmp3lame -b:a 32k -write_xing 0 -id3v2_version 4 -metadata title="Two voices" "$out/two-voices-cbr.mp3"
ff -c:a libvorbis -q:a 1 "$out/two-voices.ogg"
ff -c:a libopus -b:a 24k "$out/two-voices.opus"
# AAC in MP4 with the moov box after mdat (ffmpeg's default), as phones often write it.
ff -c:a aac -b:a 32k "$out/two-voices.m4a"
ff -c:a libopus -b:a 24k "$out/two-voices.webm"
ff -c:a flac "$out/two-voices.flac"
# FLAC in an Ogg container.
ff -c:a flac -f ogg "$out/two-voices-flac.oga"
# Rejections: a WAV cut short of its declared data, an M4A cut in its mdat box (moov never
# reached), and a text file named .mp3.
head -c 60000 "$out/two-voices.wav" > "$out/truncated.wav"
head -c 8000 "$out/two-voices.m4a" > "$out/truncated.m4a"
printf 'This is a text file, not audio.\nIt only has an .mp3 name.\n' > "$out/not-audio.mp3"
ls -l "$out"
