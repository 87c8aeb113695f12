"""Settings: audio devices (with a 3-second record-and-play-back test), voice and rate, the
transcription model, analysis thresholds, think time and the data folder."""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voiceprep.settings import DEFAULT_FILLERS, Settings
from voiceprep.ui.controller import PracticeController
from voiceprep.ui.services import Services
from voiceprep.ui.widgets.level_meter import LevelMeter

log = logging.getLogger(__name__)

MODELS = (
    ("", "Bundled tiny.en (offline, fastest)"),
    ("base.en", "base.en (downloads ~140 MB once; more accurate)"),
    ("small.en", "small.en (downloads ~460 MB once; slower)"),
)
TEST_SECONDS = 3.0


def _labelled(text: str, w: QWidget) -> tuple[QLabel, QWidget]:
    label = QLabel(text)
    label.setBuddy(w)
    w.setAccessibleName(text.replace("&", "").rstrip(":"))
    return label, w


class SettingsDialog(QDialog):
    def __init__(self, services: Services, controller: PracticeController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.services = services
        self.c = controller
        s = services.settings
        self._initial = s
        self._test_recorder: Any = None
        self._test_player: Any = None
        self._test_path: Path | None = None

        # --- audio
        self.input_combo = QComboBox()
        self.output_combo = QComboBox()
        for combo in (self.input_combo, self.output_combo):
            combo.addItem("System default", None)
        self.devices_note = QLabel("Looking for audio devices\u2026")
        self.devices_note.setWordWrap(True)
        self.test_btn = QPushButton("&Test: record 3 s, then play it back")
        self.test_btn.setAccessibleName("Test the microphone: record three seconds and play them back")
        self.test_meter = LevelMeter()
        self.test_status = QLabel("")
        self.test_status.setWordWrap(True)
        audio = QWidget()
        af = QFormLayout(audio)
        af.addRow(*_labelled("&Microphone:", self.input_combo))
        af.addRow(*_labelled("&Speakers:", self.output_combo))
        af.addRow(self.devices_note)
        af.addRow(self.test_btn)
        af.addRow(self.test_meter)
        af.addRow(self.test_status)

        # --- voice
        self.voice_combo = QComboBox()
        self.voice_combo.addItem("Default voice", None)
        self.rate = QSpinBox()
        self.rate.setRange(80, 320)
        self.rate.setSuffix(" words/min")
        self.rate.setValue(s.rate_wpm)
        self.preview_btn = QPushButton("&Preview voice")
        self.voice_note = QLabel("")
        self.voice_note.setWordWrap(True)
        voice = QWidget()
        vf = QFormLayout(voice)
        vf.addRow(*_labelled("&Voice:", self.voice_combo))
        vf.addRow(*_labelled("Speaking &rate:", self.rate))
        vf.addRow(self.preview_btn)
        vf.addRow(self.voice_note)

        # --- transcription
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        for value, label in MODELS:
            self.model_combo.addItem(label, value)
        i = self.model_combo.findData(s.model)
        if i >= 0:
            self.model_combo.setCurrentIndex(i)
        else:
            self.model_combo.setEditText(s.model)
        self.filler_prompt = QCheckBox("Keep filler words (um, uh) in the transcript")
        self.filler_prompt.setChecked(s.filler_prompt)
        model_note = QLabel("The bundled model always works offline. Larger models are downloaded by name the "
                            "first time they load (needs internet), or enter the path of a CTranslate2 model folder. "
                            "The status bar shows when the model is ready.")
        model_note.setWordWrap(True)
        model = QWidget()
        mf = QFormLayout(model)
        mf.addRow(*_labelled("Transcription &model:", self.model_combo))
        mf.addRow(self.filler_prompt)
        mf.addRow(model_note)

        # --- analysis and practice
        self.wpm_low = QSpinBox()
        self.wpm_high = QSpinBox()
        for sb, v in ((self.wpm_low, s.wpm_low), (self.wpm_high, s.wpm_high)):
            sb.setRange(60, 260)
            sb.setValue(v)
            sb.setSuffix(" wpm")
        band = QWidget()
        bl = QHBoxLayout(band)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.wpm_low)
        bl.addWidget(QLabel("to"))
        bl.addWidget(self.wpm_high)
        self.wpm_low.setAccessibleName("Comfortable pace, lowest words per minute")
        self.wpm_high.setAccessibleName("Comfortable pace, highest words per minute")
        self.pause = QDoubleSpinBox()
        self.pause.setRange(0.5, 10.0)
        self.pause.setSingleStep(0.25)
        self.pause.setSuffix(" s")
        self.pause.setValue(s.long_pause_s)
        self.fillers = QPlainTextEdit("\n".join(s.fillers))
        self.fillers.setMaximumHeight(120)
        self.reset_fillers = QPushButton("Reset filler &list")
        self.think = QSpinBox()
        self.think.setRange(0, 120)
        self.think.setSuffix(" s")
        self.think.setValue(s.think_time_s)
        self.data_dir = QLineEdit(s.data_dir or "")
        self.data_dir.setPlaceholderText(str(s.data_path))
        self.browse = QPushButton("&Browse\u2026")
        data_row = QWidget()
        dl = QHBoxLayout(data_row)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.data_dir, 1)
        dl.addWidget(self.browse)
        for row in (band, data_row):  # else the form stretches them and the label floats above the fields
            row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        practice = QWidget()
        pf = QFormLayout(practice)
        band_label = QLabel("Comfortable &pace:")
        band_label.setBuddy(self.wpm_low)
        pf.addRow(band_label, band)
        pf.addRow(*_labelled("Long pause &after:", self.pause))
        pf.addRow(*_labelled("&Filler words (one per line):", self.fillers))
        pf.addRow("", self.reset_fillers)
        pf.addRow(*_labelled("&Think time before recording:", self.think))
        dlabel = QLabel("&Data folder:")
        dlabel.setBuddy(self.data_dir)
        self.data_dir.setAccessibleName("Data folder (empty: the default)")
        pf.addRow(dlabel, data_row)
        self.validation = QLabel("")
        self.validation.setWordWrap(True)

        self.tabs = QTabWidget()
        self.tabs.addTab(audio, "&Audio")
        self.tabs.addTab(voice, "V&oice")
        self.tabs.addTab(model, "Tra&nscription")
        self.tabs.addTab(practice, "Pra&ctice")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(self.validation)
        lay.addWidget(self.buttons)
        self.resize(620, 520)

        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._defaults)
        self.test_btn.clicked.connect(self.start_device_test)
        self.preview_btn.clicked.connect(self._preview)
        self.reset_fillers.clicked.connect(lambda: self.fillers.setPlainText("\n".join(DEFAULT_FILLERS)))
        self.browse.clicked.connect(self._browse)
        self._tick = QTimer(self)
        self._tick.setInterval(50)
        self._tick.timeout.connect(self._on_test_tick)

        self._load_devices()
        self._load_voices()

    # ------------------------------------------------------------------ devices and voices
    def _load_devices(self) -> None:
        host = self.c.host
        if host is not None:
            host.worker.devicesListed.connect(self.set_devices)
            host.requestDevices.emit()
        else:
            try:
                self.set_devices(self.services.list_devices())
            except Exception as exc:  # noqa: BLE001
                self.set_devices(f"Could not list audio devices: {exc}")

    def set_devices(self, devices: Any) -> None:
        if isinstance(devices, str):
            self.devices_note.setText(devices + " Check that PortAudio is installed (Debian: libportaudio2).")
            return
        s = self.services.settings
        for combo, key, current in ((self.input_combo, "max_input_channels", s.input_device),
                                    (self.output_combo, "max_output_channels", s.output_device)):
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for d in devices:
                if int(d.get(key, 0)) > 0:
                    combo.addItem(str(d["name"]), str(d["name"]))
            if current:
                i = combo.findData(current)
                if i < 0:
                    combo.addItem(f"{current} (not connected)", current)
                    i = combo.count() - 1
                combo.setCurrentIndex(i)
            combo.blockSignals(False)
        n_in = self.input_combo.count() - 1
        self.devices_note.setText(f"{n_in} microphone(s), {self.output_combo.count() - 1} output(s) found."
                                  if n_in else "No microphone found. You can still type answers.")

    def _load_voices(self) -> None:
        try:
            speaker = self.services.make_speaker(self.services.settings)
            voices = speaker.voices()
        except Exception as exc:  # noqa: BLE001
            self.voice_note.setText(f"Text-to-speech is not available: {exc}")
            self.preview_btn.setEnabled(False)
            return
        self._speaker = speaker
        for v in voices:
            langs = f" ({', '.join(v.languages)})" if v.languages else ""
            self.voice_combo.addItem(f"{v.name}{langs}", v.id)
        if self.services.settings.voice:
            i = self.voice_combo.findData(self.services.settings.voice)
            if i >= 0:
                self.voice_combo.setCurrentIndex(i)

    def _preview(self) -> None:
        try:
            speaker = self.services.make_speaker(self.result_settings())
            self._preview_speaker = speaker
            speaker.speak("Tell me about a time you disagreed with your manager.")
        except Exception as exc:  # noqa: BLE001
            self.voice_note.setText(f"Could not speak: {exc}")

    # ------------------------------------------------------------------ device test
    def start_device_test(self) -> None:
        """Record three seconds from the chosen microphone, then play them back."""
        settings = self.result_settings()
        try:
            self._test_recorder = self.services.make_recorder(settings)
            self._test_path = Path(tempfile.mkdtemp(prefix="voiceprep-test-")) / "test.wav"
            self._test_recorder.start(self._test_path)
        except Exception as exc:  # noqa: BLE001
            log.debug("handled", exc_info=True)
            self._test_recorder = None
            self.test_status.setText(f"The microphone could not start: {exc} Choose another input device.")
            return
        self.test_btn.setEnabled(False)
        self.test_status.setText("Recording\u2026 say something.")
        self._test_phase = "recording"
        self._tick.start()

    def _on_test_tick(self) -> None:
        if self._test_phase == "recording":
            st = self._test_recorder.status()
            self.test_meter.set_level(st.level, st.peak)
            if st.elapsed_s < TEST_SECONDS:
                return
            try:
                result = self._test_recorder.stop()
            except Exception as exc:  # noqa: BLE001
                self._finish_test(f"Recording failed: {exc}")
                return
            self.test_meter.reset()
            peak = getattr(st, "peak", 0.0)
            try:
                self._test_player = self.services.make_player(self.result_settings())
                self._test_player.play(result.path, 0.0)
            except Exception as exc:  # noqa: BLE001
                self._finish_test(f"Recorded {result.duration_s:.1f} s but could not play it back: {exc} "
                                  "Choose another output device.")
                return
            quiet = " It sounded very quiet: check the microphone level." if peak < 0.02 else ""
            self.test_status.setText(f"Playing back {result.duration_s:.1f} s\u2026{quiet}")
            self._test_phase = "playing"
            self._quiet = quiet
        elif self._test_phase == "playing":
            if self._test_player is None or self._test_player.position() is None:
                self._finish_test("Test finished. If you heard yourself, the devices work." + getattr(self, "_quiet", ""))

    def _finish_test(self, text: str) -> None:
        self._tick.stop()
        self._test_phase = ""
        self.test_status.setText(text)
        self.test_btn.setEnabled(True)

    # ------------------------------------------------------------------ result
    def result_settings(self) -> Settings:
        s = self.services.settings
        model = self.model_combo.currentData() if self.model_combo.currentText() == self.model_combo.itemText(
            self.model_combo.currentIndex()) else self.model_combo.currentText().strip()
        fillers = [f.strip().lower() for f in self.fillers.toPlainText().splitlines() if f.strip()]
        return dataclasses.replace(
            s,
            input_device=self.input_combo.currentData(),
            output_device=self.output_combo.currentData(),
            voice=self.voice_combo.currentData(),
            rate_wpm=self.rate.value(),
            model=model or "",
            filler_prompt=self.filler_prompt.isChecked(),
            wpm_low=self.wpm_low.value(),
            wpm_high=self.wpm_high.value(),
            long_pause_s=float(self.pause.value()),
            fillers=fillers,
            think_time_s=self.think.value(),
            data_dir=self.data_dir.text().strip() or None,
        )

    def problems(self) -> list[str]:
        out = []
        if self.wpm_low.value() >= self.wpm_high.value():
            out.append("The comfortable pace needs a lowest value below the highest.")
        d = self.data_dir.text().strip()
        if d:
            p = Path(d).expanduser()
            if p.exists() and not p.is_dir():
                out.append(f"The data folder {p} is a file, not a folder.")
        return out

    def _accept(self) -> None:
        problems = self.problems()
        if problems:
            self.validation.setText("\n".join(problems))
            return
        self._tick.stop()
        self.accept()

    def _defaults(self) -> None:
        d = Settings()
        self.input_combo.setCurrentIndex(0)
        self.output_combo.setCurrentIndex(0)
        self.voice_combo.setCurrentIndex(0)
        self.rate.setValue(d.rate_wpm)
        self.model_combo.setCurrentIndex(0)
        self.filler_prompt.setChecked(d.filler_prompt)
        self.wpm_low.setValue(d.wpm_low)
        self.wpm_high.setValue(d.wpm_high)
        self.pause.setValue(d.long_pause_s)
        self.fillers.setPlainText("\n".join(d.fillers))
        self.think.setValue(d.think_time_s)
        self.data_dir.clear()

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Data folder", self.data_dir.text() or str(self.services.settings.data_path))
        if d:
            self.data_dir.setText(d)

    def done(self, r: int) -> None:  # noqa: D401 - Qt override: stop a running test on close
        self._tick.stop()
        for obj, meth in ((self._test_recorder, "stop"), (self._test_player, "stop")):
            if obj is not None and getattr(self, "_test_phase", ""):
                try:
                    getattr(obj, meth)()
                except Exception:  # noqa: BLE001
                    log.debug("handled", exc_info=True)
        super().done(r)
