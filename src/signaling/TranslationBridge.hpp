#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "signaling/Room.hpp"
#include "translation/pipeline/TranslationService.hpp"

namespace jb::signaling {

class RoomDirectory;

// The signaling side of live translation: keeps the pipeline told who speaks and reads which
// language, delivers captions to each listener in their language, keeps the room's transcript, and
// creates the producers that carry translated voices. Public methods run on the signaling thread;
// the Listener callbacks come from pipeline threads and are posted here.
class TranslationBridge final : public translation::TranslationService::Listener {
 public:
  TranslationBridge(boost::asio::io_context& signalingIo, RoomDirectory& directory,
                    translation::TranslationService& service);
  ~TranslationBridge() override;

  // getTranslationCapabilities (docs/protocol.md): what the installed engines offer.
  const nlohmann::json& capabilities() const { return capabilities_; }
  const translation::TranslationMetrics& metrics() const { return service_.metrics(); }
  // Throws RequestError("invalid_request") for a malformed `languages` object.
  static Room::Languages parseLanguages(const nlohmann::json& languages);

  void peerJoined(const std::shared_ptr<Room>& room, const std::string& peerId);
  void languagesChanged(const std::shared_ptr<Room>& room, const std::string& peerId);
  void peerLeft(Room& room, const std::string& peerId);
  void audioProduced(const std::shared_ptr<Room>& room);
  // Delivers a chat message to each reader, translated into their caption language when it differs.
  void deliverChat(const std::shared_ptr<Room>& room, const std::string& senderPeerId,
                   nlohmann::json message);

  // TranslationService::Listener (pipeline threads)
  void onCaption(translation::CaptionEvent caption) override;
  void onSynthesizedSpeech(translation::SynthesizedSpeech speech) override;

 private:
  void publishLanguages(Room& room, const std::string& peerId);
  void deliverCaption(const translation::CaptionEvent& caption);
  void playSpeech(translation::SynthesizedSpeech speech);
  // Creates the translated-voice producers the room now needs: one per (speaker with a microphone,
  // language a listener wants spoken) that the engines can recognise, translate and say.
  void reconcileVoices(const std::shared_ptr<Room>& room);
  bool canVoice(const std::string& from, const std::string& to) const;
  nlohmann::json buildCapabilities() const;

  boost::asio::io_context& signalingIo_;
  RoomDirectory& directory_;
  translation::TranslationService& service_;
  nlohmann::json capabilities_;
  // Chat translation runs off the signaling thread: an engine that stalls must not stall signaling.
  boost::asio::thread_pool chatPool_{1};
};

}  // namespace jb::signaling
