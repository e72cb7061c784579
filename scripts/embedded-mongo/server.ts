import net from 'node:net'
import type { Document } from 'bson'
import type { Catalog } from './catalog.js'
import { runCommand, type ConnectionInfo, type Reply } from './commands.js'
import { Cursors } from './cursors.js'
import { asMongoError, Code, MongoError } from './errors.js'
import type { Durability } from './journal-types.js'
import { encodeDocument, encodeMsg, encodeReply, MAX_MESSAGE_SIZE, parseMessage, ProtocolError, type Request } from './wire.js'

export interface ServerOptions {
  host: string
  port: number
  catalog: Catalog
  durability: Durability
  log: (msg: string) => void
}

export interface RunningServer {
  port: number
  close(): Promise<void>
}

const LEGACY_HANDSHAKE = new Set(['ismaster', 'isMaster', 'hello'])

/**
 * The TCP side: frames messages per connection, runs each command synchronously (so it is
 * atomic with respect to every other connection), waits for the journal when the command
 * changed state, then replies. A bad message closes only its own connection.
 */
export function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { catalog, durability, log } = opts
  const cursors = new Cursors()
  const sockets = new Set<net.Socket>()
  let nextConnectionId = 1
  let nextResponseId = 1

  const ttl = setInterval(() => {
    try {
      catalog.expireDocuments()
    } catch (e) {
      log(`TTL pass failed: ${(e as Error).message}`)
    }
  }, 60_000)
  ttl.unref()

  function execute(req: Request, conn: ConnectionInfo): Reply {
    if (req.kind === 'query') {
      const name = Object.keys(req.query.$query ?? req.query)[0] ?? ''
      if (!req.collection.endsWith('.$cmd') || !LEGACY_HANDSHAKE.has(name)) {
        return new MongoError(Code.UnsupportedOpQueryCommand, `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`).toReply()
      }
      const cmd: Document = { ...(req.query.$query ?? req.query), $db: req.collection.slice(0, -'.$cmd'.length) }
      return runCommand(catalog, cursors, conn, cmd, new Map())
    }
    return runCommand(catalog, cursors, conn, req.body, req.sequences)
  }

  async function handle(buf: Buffer, socket: net.Socket, conn: ConnectionInfo): Promise<void> {
    let req: Request
    try {
      req = parseMessage(buf)
    } catch (e) {
      if (e instanceof ProtocolError) {
        log(`closing connection ${conn.id} from ${conn.remote}: ${e.message}`)
        socket.destroy()
        return
      }
      throw e
    }
    const recordedBefore = catalog.recorded
    let reply: Reply
    try {
      reply = execute(req, conn)
    } catch (e) {
      log(`command failed on connection ${conn.id}: ${(e as Error).stack ?? String(e)}`)
      reply = asMongoError(e).toReply()
    }
    if (catalog.recorded !== recordedBefore) {
      try {
        await durability.flush()
      } catch (e) {
        // the change is in memory but not on disk: the client must not take it as acknowledged
        log(`journal flush failed: ${(e as Error).message}`)
        reply = new MongoError(Code.InternalError, `the write could not be made durable: ${(e as Error).message}`).toReply()
      }
    }
    if (req.kind === 'msg' && req.moreToCome) return
    if (socket.destroyed) return
    const body = Buffer.isBuffer(reply) ? reply : encodeDocument(reply)
    const responseId = nextResponseId++ & 0x7fffffff
    socket.write(req.kind === 'query' ? encodeReply(responseId, req.requestId, body) : encodeMsg(responseId, req.requestId, body))
  }

  const server = net.createServer((socket) => {
    const conn: ConnectionInfo = { id: nextConnectionId++, remote: `${socket.remoteAddress}:${socket.remotePort}` }
    sockets.add(socket)
    socket.setNoDelay(true)
    let chunks: Buffer[] = []
    let buffered = 0
    let queue: Promise<void> = Promise.resolve()

    const closeWith = (reason: string) => {
      log(`closing connection ${conn.id} from ${conn.remote}: ${reason}`)
      socket.destroy()
    }

    socket.on('data', (data: Buffer) => {
      chunks.push(data)
      buffered += data.length
      while (buffered >= 4) {
        let head = chunks[0]!
        if (head.length < 4) {
          head = Buffer.concat(chunks)
          chunks = [head]
        }
        const length = head.readInt32LE(0)
        if (length < 16 || length > MAX_MESSAGE_SIZE) {
          closeWith(`invalid message length ${length}`)
          chunks = []
          buffered = 0
          return
        }
        if (buffered < length) return
        const all = chunks.length === 1 ? head : Buffer.concat(chunks)
        const message = all.subarray(0, length)
        const rest = all.subarray(length)
        chunks = rest.length > 0 ? [rest] : []
        buffered = rest.length
        queue = queue
          .then(() => handle(message, socket, conn))
          .catch((e: unknown) => {
            closeWith(`internal error: ${(e as Error).stack ?? String(e)}`)
          })
      }
    })
    socket.on('error', () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      server.on('error', (e) => log(`server error: ${e.message}`))
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : opts.port
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(ttl)
            cursors.close()
            for (const s of sockets) s.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}
