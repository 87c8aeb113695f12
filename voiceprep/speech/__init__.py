"""Speech I/O without Qt: text-to-speech, playback, recording and transcription.

Heavy modules (sounddevice, faster-whisper, pyttsx3) are imported lazily inside the functions
that need them, so importing this package is cheap and works on machines without PortAudio.

Entry points (each module's docstring says why it is built the way it is):

- ``tts.TtsSpeaker``: read questions aloud (cached synthesis, stoppable playback).
- ``recorder.SoundRecorder``: crash-safe 16 kHz WAV recording with level, pause, length cap.
- ``recovery.find_unfinished``: recordings a crash left behind, repaired, to offer back.
- ``transcriber.WhisperTranscriber``: offline transcription that keeps fillers.
- ``incremental.IncrementalTranscriber``: transcription while the user speaks.
- ``devices.list_devices``: input/output devices for the settings dialog.
"""
