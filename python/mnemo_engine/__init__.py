"""Serve a model to Mnemo over its remote protocol (docs/remote-protocol.md, version 1).

Pure Python on Debian's python3-websockets and python3-numpy (use /usr/bin/python3: a pyenv python3 first on PATH
may not see Debian's packages). Subclass WorldModel or EditModel, declare parameters, implement the calls, and
serve() it:

    class MyWorld(WorldModel):
        id = "my-world"
        params = [Param("speed", "Speed", type="float", min=0, max=4, default=1)]

        def create(self, width, height, params): ...
        def step(self, cameras, ticks, memory, frame_indices):
            return [numpy uint8 array of shape (height, width, 4)]   # one per camera

    serve(MyWorld, port=7070, token="secret")

The studio then drives it with `mnemo-cli run --engine ws://HOST:7070 --token secret`. Each connection gets its own
model object (the factory is called per connection).
"""

import asyncio
import http
import io
import json
import struct
import sys
import time

import numpy as np
import websockets

try:  # JPEG frames are offered when Pillow (Debian: python3-pil) is there; raw RGBA always is
    from PIL import Image as _Image
except ImportError:
    _Image = None

PROTOCOL_VERSION = 1
PATH = "/mnemo/v%d" % PROTOCOL_VERSION
FORMATS = ["rgba", "jpeg"] if _Image is not None else ["rgba"]


class Param:
    """A parameter the studio shows in its generated form. type: float, int, bool, enum (enum_values) or text."""

    def __init__(self, name, label=None, description="", type="float", min=0.0, max=1.0, default=0.0,
                 enum_values=(), default_text="", load_time=False):
        self.name, self.label, self.description = name, label or name, description
        self.type, self.min, self.max, self.default = type, float(min), float(max), float(default)
        self.enum_values, self.default_text, self.load_time = list(enum_values), default_text, load_time

    def to_json(self):
        return {"name": self.name, "label": self.label, "description": self.description, "type": self.type,
                "min": self.min, "max": self.max, "default": self.default, "enum_values": self.enum_values,
                "default_text": self.default_text, "load_time": self.load_time, "file_path": False}


class Camera:
    """One canonical camera: c2w (4x4 numpy, camera-to-world; camera axes OpenCV: +x right, +y down, +z forward;
    world right-handed, +y up), and pinhole intrinsics fx, fy, cx, cy in pixels of the created size."""

    def __init__(self, j):
        self.c2w = np.array(j["c2w"], dtype=np.float32).reshape(4, 4).T  # the wire is column-major
        self.fx, self.fy, self.cx, self.cy = (float(j[k]) for k in ("fx", "fy", "cx", "cy"))

    @property
    def position(self):
        return self.c2w[:3, 3]

    @property
    def forward(self):
        return self.c2w[:3, 2]

    def to_json(self):
        return {"c2w": [float(v) for v in self.c2w.T.reshape(-1)], "fx": self.fx, "fy": self.fy, "cx": self.cx,
                "cy": self.cy}


class Model:
    """What both kinds share. Override what the model needs; the defaults accept everything."""

    id = "python-model"
    name = None
    version = "0.1.0"
    description = ""
    chunk_frames = 1
    params = []

    def create(self, width, height, params):
        self.width, self.height = width, height
        for name, value in params.items():
            self.set_param(name, value)

    def reset(self, seed, prompt):
        pass

    def set_param(self, name, value):
        if name not in {p.name for p in self.params}:
            raise ValueError("no parameter '%s'" % name)
        setattr(self, name, value)

    def set_param_text(self, name, text):
        self.set_param(name, text)


class WorldModel(Model):
    kind = "world"

    def step(self, cameras, ticks, memory, frame_indices):
        """cameras: [Camera]; ticks: [dict t_us, keys, mouse_dx, mouse_dy, wheel]; memory: [dict entry_id,
        frame_index, score, covered, camera (Camera)]. Returns one uint8 (height, width, 4) array per camera, or
        (frames, cameras_used). A model that uses memory sets self.memory_used to the entry_ids it actually used
        during the step (the studio shows it); self.timings (a dict of name_ms values, "decode_ms" say) adds the
        model's own split of its time."""
        raise NotImplementedError


class EditModel(Model):
    kind = "edit"
    follows_source_flow = False

    def edit(self, frames, sources, flows):
        """frames: [uint8 (h, w, 4)]; with follows_source_flow, sources (same shape) and flows (float32 (h, w, 2)
        backward flow, or None for a stream's first frame). Returns the edited frames."""
        raise NotImplementedError


def _describe(model):
    return {"id": model.id, "name": model.name or model.id, "version": model.version,
            "description": model.description, "kind": model.kind, "chunk_frames": model.chunk_frames,
            "follows_source_flow": bool(getattr(model, "follows_source_flow", False)),
            "params": [p.to_json() for p in model.params]}


def _pack(header, frames):
    head = json.dumps(header).encode("utf-8")
    return struct.pack("<I", len(head)) + head + b"".join(np.ascontiguousarray(f, dtype=np.uint8).tobytes()
                                                          for f in frames)


def _jpeg_frames(frames, quality):
    """Each frame as [u32 little-endian length][JPEG bytes] (the protocol's "jpeg" format)."""
    out = []
    for f in frames:
        buffer = io.BytesIO()
        _Image.fromarray(np.ascontiguousarray(f[..., :3], dtype=np.uint8)).save(buffer, "JPEG", quality=quality)
        out.append(struct.pack("<I", buffer.getbuffer().nbytes) + buffer.getvalue())
    return b"".join(out)


def _frames_answer(request, model, frames, cameras_used, model_ms, expected, extra=None):
    if len(frames) != expected:
        raise ValueError("the model returned %d frames for %d" % (len(frames), expected))
    for f in frames:
        if f.shape != (model.height, model.width, 4):
            raise ValueError("a frame of shape %s, not (%d, %d, 4)" % (f.shape, model.height, model.width))
    fmt = request.get("format", "rgba")
    if fmt not in FORMATS:
        raise ValueError("frame format '%s' is not offered here (offered: %s)" % (fmt, ", ".join(FORMATS)))
    header = {"type": "frames", "req_id": request.get("req_id"), "ok": True, "count": len(frames),
              "width": model.width, "height": model.height, "format": fmt,
              "frame_indices": request.get("frame_indices", list(range(len(frames)))),
              "timings": {"model_ms": model_ms}}
    if cameras_used is not None:
        header["cameras_used"] = [c.to_json() for c in cameras_used]
    if extra:
        if "memory_used" in extra:
            header["memory_used"] = extra["memory_used"]
        header["timings"].update(extra.get("timings", {}))
    if fmt == "rgba":
        return _pack(header, frames)
    start = time.perf_counter()
    body = _jpeg_frames(frames, int(request.get("jpeg_quality", 85)))
    header["timings"]["encode_ms"] = (time.perf_counter() - start) * 1000.0
    return _pack(header, []) + body


def _request_id(message):
    """The req_id of a request, if it can be read at all: an error answer carries it, so the studio shows the error
    (an answer with another req_id would be a malformed answer to it)."""
    try:
        if isinstance(message, bytes):
            (n,) = struct.unpack_from("<I", message)
            message = message[4:4 + n].decode("utf-8")
        request = json.loads(message)
        return request.get("req_id") if isinstance(request, dict) else None
    except Exception:
        return None


class _Session:
    """One connection: one model object, one request at a time."""

    def __init__(self, factory):
        self.factory, self.model = factory, None

    def result(self, request, error=None):
        out = {"type": "result", "req_id": request.get("req_id"), "ok": error is None}
        if error is not None:
            out["error"] = str(error)
        return json.dumps(out)

    def answer(self, message):
        if isinstance(message, bytes):
            if len(message) < 4:
                return json.dumps({"type": "error", "req_id": None, "error": "a binary message is too short"})
            (n,) = struct.unpack_from("<I", message)
            header = json.loads(message[4:4 + n].decode("utf-8"))
            return self.edit(header, memoryview(message)[4 + n:])
        request = json.loads(message)
        if not isinstance(request, dict):
            raise ValueError("a text message must be a JSON object")
        kind = request.get("type")
        if kind == "describe":
            return json.dumps({"type": "describe", "req_id": request.get("req_id"), "ok": True,
                               "protocol": PROTOCOL_VERSION, "module": _describe(self.factory),
                               "formats": FORMATS})
        if kind == "create":
            try:
                self.model = self.factory()
                self.model.create(int(request["width"]), int(request["height"]), request.get("params", {}))
            except Exception as e:  # the model's refusal is its answer
                self.model = None
                return self.result(request, e)
            return self.result(request)
        if self.model is None:
            raise ValueError("'%s' before create" % kind)
        calls = {"reset": lambda: self.model.reset(int(request.get("seed", 1)), request.get("prompt", "")),
                 "set_param": lambda: self.model.set_param(request["name"], float(request["value"])),
                 "set_param_text": lambda: self.model.set_param_text(request["name"], request["text"])}
        if kind in calls:
            try:
                calls[kind]()
            except Exception as e:
                return self.result(request, e)
            return self.result(request)
        if kind == "step":
            return self.step(request)
        raise ValueError("unknown message type '%s'" % kind)

    def step(self, request):
        cameras = [Camera(c) for c in request["cameras"]]
        memory = [dict(m, camera=Camera(m["camera"])) if "camera" in m else dict(m) for m in request.get("memory", [])]
        start = time.perf_counter()
        try:
            out = self.model.step(cameras, request.get("ticks", []), memory, request.get("frame_indices", []))
        except Exception as e:
            return self.result(request, e)
        ms = (time.perf_counter() - start) * 1000.0
        frames, used = out if isinstance(out, tuple) else (out, cameras)
        reply = _frames_answer(request, self.model, frames, used, ms, len(cameras),
                               extra=self._reported())
        return reply

    def _reported(self):
        """What the model said about its step (memory_used, its own timings), taken once."""
        extra = {}
        used = getattr(self.model, "memory_used", None)
        if used is not None:
            extra["memory_used"] = [int(e) for e in used]
            self.model.memory_used = None
        timings = getattr(self.model, "timings", None)
        if timings:
            extra["timings"] = {str(k): float(v) for k, v in timings.items()}
            self.model.timings = None
        return extra

    def edit(self, header, payload):
        if self.model is None:
            raise ValueError("'edit' before create")
        n, h, w = int(header["count"]), self.model.height, self.model.width
        size = h * w * 4
        data = np.frombuffer(payload, dtype=np.uint8)
        frames = [data[i * size:(i + 1) * size].reshape(h, w, 4) for i in range(n)]
        sources, flows, at = None, None, n * size
        if header.get("with_source"):
            sources = [data[at + i * size:at + (i + 1) * size].reshape(h, w, 4) for i in range(n)]
            at += n * size
            flows = []
            for has in header.get("has_flow", [False] * n):
                if has:
                    flows.append(np.frombuffer(payload[at:at + h * w * 8], dtype="<f4").reshape(h, w, 2))
                    at += h * w * 8
                else:
                    flows.append(None)
        start = time.perf_counter()
        try:
            out = self.model.edit(frames, sources, flows)
        except Exception as e:
            return self.result(header, e)
        return _frames_answer(header, self.model, out, None, (time.perf_counter() - start) * 1000.0, n)


def serve(factory, host="127.0.0.1", port=0, token=None, on_listening=None):
    """Serves `factory` (a Model subclass, or anything returning a model) until interrupted. on_listening(port) is
    called once the socket listens; by default it prints {"serving", "url", "port", "protocol"} as one JSON line."""
    if not token:
        raise ValueError("serving needs a token")

    def refuse(status, text):
        body = text.encode("utf-8")
        return (http.HTTPStatus(status), [("Content-Type", "text/plain; charset=utf-8")], body)

    def check(path, headers):
        if path.split("?")[0] != PATH:
            return refuse(400, "remote protocol path '%s' is not served here: this server speaks version %d at %s" % (
                path, PROTOCOL_VERSION, PATH))
        auth = headers.get("Authorization")
        if not auth:
            return refuse(401, "a bearer token is required (Authorization: Bearer TOKEN)")
        if auth != "Bearer " + token:
            return refuse(401, "the bearer token is wrong")
        return None

    async def handler(ws, path=None):
        import socket
        raw = ws.transport.get_extra_info("socket")
        if raw is not None:  # frames go out at once: Nagle would add tens of milliseconds per step
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        session = _Session(factory)
        try:
            async for message in ws:
                try:
                    reply = session.answer(message)
                except Exception as e:  # a malformed request: its error, and the connection goes on
                    reply = json.dumps({"type": "error", "req_id": _request_id(message), "error": str(e)})
                await ws.send(reply)
        except websockets.ConnectionClosed:
            pass  # the client went away: its model goes with the connection

    async def main():
        async with websockets.serve(handler, host, port, process_request=check, max_size=256 << 20,
                                    compression=None) as server:
            bound = server.sockets[0].getsockname()[1]
            if on_listening:
                on_listening(bound)
            else:
                print(json.dumps({"serving": getattr(factory, "id", "model"), "url": "ws://%s:%d" % (host, bound),
                                  "port": bound, "protocol": PROTOCOL_VERSION}), flush=True)
            await asyncio.Future()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
