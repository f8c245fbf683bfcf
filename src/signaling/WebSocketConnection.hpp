#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "signaling/AddressSessionLimiter.hpp"
#include "signaling/MessageChannel.hpp"
#include "signaling/PeerSession.hpp"

namespace jb::signaling {

// The signaling WebSocket of one participant: frames in go to its PeerSession, messages out are
// queued and written one at a time.
template <typename Stream>
class WebSocketConnection : public MessageChannel,
                            public std::enable_shared_from_this<WebSocketConnection<Stream>> {
 public:
  static constexpr size_t kMaxQueuedMessages = 1024;  // a client this far behind is gone

  // `lease` counts this session against its client address's cap until the connection is gone.
  WebSocketConnection(Stream stream, boost::asio::io_context& io, RoomDirectory& directory,
                      AddressSessionLimiter::Lease lease = {})
      : ws_(std::move(stream)), io_(io), directory_(directory), lease_(std::move(lease)) {}

  ~WebSocketConnection() override {
    if (session_) {
      session_->handleDisconnect();
      directory_.metrics().sessionClosed();
    }
  }

  void accept(boost::beast::http::request<boost::beast::http::string_body> request) {
    namespace websocket = boost::beast::websocket;
    // Pings every ~15 s; a peer that stops answering (closed laptop, lost network) is dropped.
    ws_.set_option(websocket::stream_base::timeout::suggested(boost::beast::role_type::server));
    // docs/protocol.md "Limits": a larger frame closes with 1009.
    ws_.read_message_max(directory_.limits().maxMessageBytes);
    ws_.async_accept(request, [self = this->shared_from_this()](boost::beast::error_code ec) {
      if (ec) return;
      self->session_ = std::make_shared<PeerSession>(self->io_, self->directory_, *self);
      self->directory_.metrics().sessionOpened();
      self->read();
    });
  }

  void send(std::string text) override {
    if (closing_) return;
    if (outbox_.size() >= kMaxQueuedMessages) {
      spdlog::warn("[signaling] peer={} not reading its messages; closing",
                   session_ ? session_->peerId() : "-");
      outbox_.resize(1);  // the message being written; the rest would never be read
      close();
      return;
    }
    outbox_.push_back(std::move(text));
    if (outbox_.size() == 1) write();
  }

  void close() override { closeWith(CloseCode::Normal, {}); }

  void closeWith(CloseCode code, const std::string& reason) override {
    if (closing_) return;
    closing_ = true;
    if (session_) session_->handleDisconnect();
    // RFC 6455 §5.5: a control frame payload is at most 125 bytes, 2 of them the code.
    boost::beast::websocket::close_reason why(static_cast<boost::beast::websocket::close_code>(code),
                                              reason.substr(0, 123));
    // Queued messages (e.g. the error response that caused a 1008) go out before the close frame.
    if (outbox_.empty())
      sendClose(why);
    else
      pendingClose_ = why;
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](boost::beast::error_code ec, size_t) {
      if (ec) {
        // Includes message_too_big: Beast has already sent close code 1009.
        if (ec == boost::beast::websocket::error::message_too_big)
          self->directory_.metrics().countLimitRejection("message_size");
        if (self->session_) self->session_->handleDisconnect();
        return;
      }
      if (!self->ws_.got_text()) {
        self->buffer_.consume(self->buffer_.size());
        self->session_->sendText(
            R"({"response":true,"id":null,"ok":false,"error":{"code":"bad_json","message":"binary frames are not accepted"}})");
      } else {
        std::string text = boost::beast::buffers_to_string(self->buffer_.data());
        self->buffer_.consume(self->buffer_.size());
        self->session_->handleText(text);
      }
      if (!self->closing_) self->read();
    });
  }

  void write() {
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(outbox_.front()),
                    [self = this->shared_from_this()](boost::beast::error_code ec, size_t) {
                      if (ec) {
                        self->outbox_.clear();
                        return;
                      }
                      self->outbox_.pop_front();
                      if (!self->outbox_.empty())
                        self->write();
                      else if (self->pendingClose_)
                        self->sendClose(*std::exchange(self->pendingClose_, std::nullopt));
                    });
  }

  void sendClose(const boost::beast::websocket::close_reason& why) {
    ws_.async_close(why, [self = this->shared_from_this()](boost::beast::error_code) {});
  }

  boost::beast::websocket::stream<Stream> ws_;
  boost::asio::io_context& io_;
  RoomDirectory& directory_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  AddressSessionLimiter::Lease lease_;
  std::shared_ptr<PeerSession> session_;
  std::optional<boost::beast::websocket::close_reason> pendingClose_;
  bool closing_ = false;
};

}  // namespace jb::signaling
