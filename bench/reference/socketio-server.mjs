// Reference signaling server for the benchmark: the same join / chat / leave / peer-notification work
// as JB Calling's C++ signaling (docs/protocol.md), written the way a typical Node Socket.IO app is.
// Usage: node socketio-server.mjs --port 9100
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Server } from 'socket.io';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 9100);
const httpServer = createServer();
const io = new Server(httpServer, { maxHttpBufferSize: 64 * 1024, transports: ['websocket'] });
const rooms = new Map(); // roomId -> Map<peerId, {displayName}>

const validId = (s) => typeof s === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(s);

io.on('connection', (socket) => {
  let roomId = null;
  const peerId = randomBytes(9).toString('base64url');

  const leave = () => {
    if (!roomId) return;
    const room = rooms.get(roomId);
    room.delete(peerId);
    socket.to(roomId).emit('peerLeft', { peerId });
    socket.leave(roomId);
    if (room.size === 0) rooms.delete(roomId);
    roomId = null;
  };

  socket.on('join', (data, ack) => {
    if (typeof ack !== 'function') return;
    if (roomId) return ack({ ok: false, error: { code: 'already_joined' } });
    if (!data || !validId(data.roomId) || typeof data.displayName !== 'string' || typeof data.rtpCapabilities !== 'object')
      return ack({ ok: false, error: { code: 'invalid_request' } });
    roomId = data.roomId;
    if (!rooms.has(roomId)) rooms.set(roomId, new Map());
    const room = rooms.get(roomId);
    const peers = [...room].map(([id, p]) => ({ id, displayName: p.displayName, producers: [] }));
    room.set(peerId, { displayName: data.displayName });
    socket.join(roomId);
    ack({ ok: true, data: { peerId, roomId, peers, iceServers: [] } });
    socket.to(roomId).emit('peerJoined', { id: peerId, displayName: data.displayName });
  });

  socket.on('chat', (data, ack) => {
    if (typeof ack !== 'function') return;
    if (!roomId) return ack({ ok: false, error: { code: 'not_joined' } });
    if (!data || typeof data.text !== 'string' || data.text.length < 1 || data.text.length > 2000)
      return ack({ ok: false, error: { code: 'invalid_request' } });
    const message = { id: randomBytes(6).toString('base64url'), peerId, displayName: rooms.get(roomId).get(peerId).displayName,
      text: data.text, timestamp: Date.now() };
    ack({ ok: true, data: { id: message.id, timestamp: message.timestamp } });
    socket.to(roomId).emit('chat', message);
  });

  socket.on('leave', (_data, ack) => {
    leave();
    if (typeof ack === 'function') ack({ ok: true, data: {} });
  });
  socket.on('disconnect', leave);
});

httpServer.listen(port, '127.0.0.1', () => console.log(`socket.io reference listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));
