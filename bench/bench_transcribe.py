"""Speech benchmarks: feedback latency, real-time factor, memory, dropped frames, fillers, WER.

Prints one JSON object on stdout (progress on stderr). Compare ratios within one run: the
machine (2 shared cores) is noisy.

    .venv/bin/python bench/bench_transcribe.py            # 30 s and 2 min answers (~8 min)
    .venv/bin/python bench/bench_transcribe.py --long     # also a 5 min answer (~15 min)
    .venv/bin/python bench/bench_transcribe.py --simulate # no PulseAudio: feed arrays in real time

Latency: with a PulseAudio null sink (STACK-NOTES recipe) the answer is played into the sink
with ``paplay`` and recorded by the real :class:`SoundRecorder`, which feeds the
:class:`IncrementalTranscriber` live, exactly as in the app; the recorder's overflow count is
the "dropped frames while transcribing" figure. Then the same recorded file is transcribed in
one pass after Stop (the baseline). Without PulseAudio (or with ``--simulate``) the audio is
fed from memory at real-time pace instead and no dropped-frame figure is reported.

Fillers/WER: espeak-ng clips with known text; WER counts fillers as words (Whisper's own
normaliser would delete them). Configurations: the shipped recipe (short prompt), the long
prompt from STACK-NOTES, no prompt, and plain faster-whisper with the long prompt and its
default temperature fallback (the configuration that invents endings on silence).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voiceprep.speech import synthetic as syn  # noqa: E402
from voiceprep.speech.audio import WHISPER_RATE, write_wav  # noqa: E402
from voiceprep.speech.incremental import ArraySource, IncrementalTranscriber  # noqa: E402
from voiceprep.speech.transcriber import LONG_FILLER_PROMPT, DecodeOptions, WhisperTranscriber  # noqa: E402

FILLER_SENTENCES = (
    "So, um, I think, uh, the main metric is retention. Um, and you know, uh, we should measure it every week.",
    "Um, I would start with the goal. Uh, then I would look at the data, um, before I decide.",
    "The first thing, uh, is to talk to users. Um, we learned that, uh, most of them browse for too long.",
    "Uh, I'm not sure, um, but I would test it with a small group first.",
    "Honestly, uh, the hardest part was, um, getting the two teams to agree.",
    "We shipped it in, um, six weeks, and, uh, retention went up by two points.",
)


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class RssSampler:
    """Peak resident memory of this process, sampled every 50 ms from /proc."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            try:
                for line in Path("/proc/self/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            except OSError:
                return

    def __enter__(self) -> "RssSampler":
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def pulse_available() -> bool:
    if shutil.which("paplay") is None or shutil.which("pactl") is None:
        return False
    out = subprocess.run(["pactl", "info"], capture_output=True, text=True)
    return out.returncode == 0 and "Default Source: virt.monitor" in out.stdout


def latency_case(tr: WhisperTranscriber, seconds: float, use_pulse: bool, tmp: Path) -> dict[str, Any]:
    samples, ref = syn.answer(seconds)
    audio_s = len(samples) / WHISPER_RATE
    log(f"latency case {seconds:.0f} s ({audio_s:.1f} s of audio, {'pulse' if use_pulse else 'simulated'})")
    result: dict[str, Any] = {"audio_s": round(audio_s, 2), "source": "pulseaudio" if use_pulse else "simulated"}
    if use_pulse:
        from voiceprep.speech.recorder import SoundRecorder

        clip = tmp / f"answer{seconds:.0f}.wav"
        write_wav(clip, samples, WHISPER_RATE)
        rec = SoundRecorder(max_seconds=seconds + 120)
        rec.start(tmp / f"rec{seconds:.0f}.wav")
        inc = IncrementalTranscriber(tr, rec)
        inc.start()
        subprocess.run(["paplay", str(clip)], check=True)
        time.sleep(0.3)
        t0 = time.perf_counter()
        recording = rec.stop()
        final = inc.finish()
        incremental_s = time.perf_counter() - t0
        result["recorder_overflows"] = recording.overflows
        result["recorded_s"] = round(recording.duration_s, 2)
        audio_for_baseline: Any = recording.path
    else:
        src = ArraySource(samples)
        inc = IncrementalTranscriber(tr, src)
        inc.start()
        start = time.perf_counter()
        block = WHISPER_RATE // 20
        while src.frames < len(samples):
            src.advance(block)
            delay = src.frames / WHISPER_RATE - (time.perf_counter() - start)
            if delay > 0:
                time.sleep(delay)
        t0 = time.perf_counter()
        final = inc.finish()
        incremental_s = time.perf_counter() - t0
        audio_for_baseline = samples
    t0 = time.perf_counter()
    whole = tr.transcribe(audio_for_baseline)
    baseline_s = time.perf_counter() - t0
    result.update(
        {
            "incremental_after_stop_s": round(incremental_s, 3),
            "whole_file_after_stop_s": round(baseline_s, 3),
            "speedup": round(baseline_s / max(incremental_s, 1e-3), 1),
            "incremental_tail_audio_s": round(final.timings.get("tail_audio_s", 0.0), 2),
            "incremental_wait_worker_s": round(final.timings.get("wait_worker_s", 0.0), 3),
            "incremental_background_busy_s": round(final.timings.get("background_s", 0.0), 1),
            "incremental_chunks": int(final.timings.get("chunks", 0)),
            "wer_incremental": round(syn.wer(ref, final.text), 3),
            "wer_whole": round(syn.wer(ref, whole.text), 3),
            "fillers_reference": syn.filler_count(ref),
            "fillers_incremental": syn.filler_count(final.text),
            "fillers_whole": syn.filler_count(whole.text),
            "rtf_whole": round(baseline_s / audio_s, 3),
            "looping_segments_dropped_so_far": tr.loops_dropped,
        }
    )
    log(json.dumps(result))
    return result


def filler_wer(configs: dict[str, WhisperTranscriber | None], model: Any) -> dict[str, Any]:
    """WER and filler recall per decoding configuration on espeak-ng clips with known text."""
    filler_clips = [(s, syn.speech(s, wpm)) for s in FILLER_SENTENCES for wpm in (150, 180)]
    clean = [s for s in syn.ANSWER_SENTENCES if syn.filler_count(s) == 0]
    clean_clips = [(s, syn.speech(s, 165)) for s in clean]
    answer, answer_ref = syn.answer(60)
    out: dict[str, Any] = {
        "clips": {"filler_clips": len(filler_clips), "clean_clips": len(clean_clips), "answer_s": round(len(answer) / WHISPER_RATE, 1)}
    }
    for name, tr in configs.items():
        log(f"filler/WER config {name}")
        run = (lambda a: tr.transcribe(a).text) if tr is not None else (lambda a: plain_long_prompt(model, a))
        t0 = time.perf_counter()
        f_err = f_n = f_kept = f_ref = 0
        for text, clip in filler_clips:
            hyp = run(clip)
            e, n = syn.word_errors(text, hyp)
            f_err, f_n = f_err + e, f_n + n
            f_kept += min(syn.filler_count(hyp), syn.filler_count(text))
            f_ref += syn.filler_count(text)
        c_err = c_n = 0
        for text, clip in clean_clips:
            e, n = syn.word_errors(text, run(clip))
            c_err, c_n = c_err + e, c_n + n
        hyp = run(answer)
        a_err, a_n = syn.word_errors(answer_ref, hyp)
        out[name] = {
            "fillers_kept": f"{f_kept}/{f_ref}",
            "filler_recall": round(f_kept / f_ref, 3),
            "wer_filler_clips": round(f_err / f_n, 3),
            "wer_clean_read_speech": round(c_err / c_n, 3),
            "wer_60s_answer": round(a_err / a_n, 3),
            "fillers_60s_answer": f"{syn.filler_count(hyp)}/{syn.filler_count(answer_ref)}",
            "seconds": round(time.perf_counter() - t0, 1),
            "prompt_fallbacks": getattr(tr, "fallbacks", None),
            "looping_segments_dropped": getattr(tr, "loops_dropped", None),
        }
        log(json.dumps(out[name]))
    return out


def plain_long_prompt(model: Any, audio: np.ndarray) -> str:
    """faster-whisper as STACK-NOTES tried it: long prompt, default temperature fallback, no VAD."""
    segments, _ = model.transcribe(audio, language="en", beam_size=5, word_timestamps=True, initial_prompt=LONG_FILLER_PROMPT)
    return " ".join(s.text.strip() for s in segments)


def trailing_silence(configs: dict[str, WhisperTranscriber | None], model: Any, runs: int = 3) -> dict[str, Any]:
    """Clips ending in 4 s of faint noise: do repeated runs agree, and is anything put in the silence?"""
    rng = np.random.default_rng(3)
    clips = []
    for text in FILLER_SENTENCES[:3] + syn.ANSWER_SENTENCES[:3]:
        voice = syn.speech(text, 165)
        tail = rng.normal(0, 10 ** (-60 / 20), 4 * WHISPER_RATE).astype(np.float32)
        clips.append((len(voice) / WHISPER_RATE, np.concatenate([voice, tail])))
    out: dict[str, Any] = {"clips": len(clips), "runs_each": runs, "silence_s": 4}
    for name, tr in configs.items():
        log(f"trailing silence config {name}")
        unstable = words_in_silence = 0
        for speech_end, clip in clips:
            texts = set()
            for _ in range(runs):
                if tr is None:
                    segs, _ = model.transcribe(clip, language="en", beam_size=5, word_timestamps=True, initial_prompt=LONG_FILLER_PROMPT)
                    words = [w for s in segs for w in (s.words or ())]
                    texts.add(" ".join(w.word.strip() for w in words))
                    words_in_silence += sum(1 for w in words if w.start > speech_end + 0.3)
                else:
                    t = tr.transcribe(clip)
                    texts.add(t.text)
                    words_in_silence += sum(1 for w in t.words if (w.start or 0) > speech_end + 0.3)
            unstable += len(texts) > 1
        out[name] = {"clips_with_differing_runs": unstable, "words_in_silence_total": words_in_silence}
        log(json.dumps(out[name]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", action="store_true", help="also the 5-minute answer")
    ap.add_argument("--simulate", action="store_true", help="feed audio from memory even if PulseAudio is there")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args()
    if not syn.espeak_available():
        print(json.dumps({"error": "espeak-ng is not installed"}))
        return 2
    started = time.perf_counter()
    report: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg()[0]}}
    tr = WhisperTranscriber()
    with RssSampler() as rss:
        t0 = time.perf_counter()
        tr.load()
        report["model"] = {"name": tr.model_name, "load_s": round(time.perf_counter() - t0, 3), "cpu_threads": tr.cpu_threads, "beam_size": tr.options.beam_size}
        use_pulse = pulse_available() and not args.simulate
        if not args.skip_latency:
            with tempfile.TemporaryDirectory(prefix="voiceprep-bench-") as tmp:
                lengths = (30, 120, 300) if args.long else (30, 120)
                report["latency"] = {f"{s}s": latency_case(tr, s, use_pulse, Path(tmp)) for s in lengths}
        report["peak_rss_mb_during_transcription"] = round(rss.peak_kb / 1024, 1)
    if not args.skip_quality:
        configs: dict[str, WhisperTranscriber | None] = {
            "recipe_short_prompt": WhisperTranscriber(),
            "long_prompt": WhisperTranscriber(options=DecodeOptions(prompt=LONG_FILLER_PROMPT)),
            "no_prompt": WhisperTranscriber(options=DecodeOptions(filler_prompt=False)),
            "plain_faster_whisper_long_prompt": None,
        }
        for c in configs.values():
            if c is not None:
                c._model = tr._model  # share the loaded model
        report["fillers_and_wer"] = filler_wer(configs, tr._model)
        report["trailing_silence"] = trailing_silence(configs, tr._model)
    report["peak_rss_mb_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report["bench_seconds"] = round(time.perf_counter() - started, 1)
    report["machine"]["loadavg_end"] = os.getloadavg()[0]
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
