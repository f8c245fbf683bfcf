#pragma once

#include <boost/asio/ip/address.hpp>
#include <map>
#include <memory>
#include <optional>

namespace jb::signaling {

// Caps concurrent signaling sessions per client IP address. A lease is held for the life of one
// WebSocket; the counts outlive the server that hands leases out. Signaling thread only.
class AddressSessionLimiter {
 public:
  using Address = boost::asio::ip::address;

  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) noexcept {
      release();
      counts_ = std::move(other.counts_);
      address_ = other.address_;
      return *this;
    }
    ~Lease() { release(); }

   private:
    friend class AddressSessionLimiter;
    Lease(std::shared_ptr<std::map<Address, size_t>> counts, Address address)
        : counts_(std::move(counts)), address_(address) {}
    void release() {
      if (!counts_) return;
      auto it = counts_->find(address_);
      if (it != counts_->end() && --it->second == 0) counts_->erase(it);
      counts_.reset();
    }
    std::shared_ptr<std::map<Address, size_t>> counts_;
    Address address_;
  };

  // `maxPerAddress` 0: unlimited.
  explicit AddressSessionLimiter(size_t maxPerAddress) : max_(maxPerAddress) {}

  // A lease, or nothing if `address` already has the maximum.
  std::optional<Lease> tryAcquire(const Address& address) {
    size_t& n = (*counts_)[address];
    if (max_ != 0 && n >= max_) return std::nullopt;
    ++n;
    return Lease(counts_, address);
  }

  size_t sessions(const Address& address) const {
    auto it = counts_->find(address);
    return it == counts_->end() ? 0 : it->second;
  }
  size_t maxPerAddress() const { return max_; }

 private:
  size_t max_;
  std::shared_ptr<std::map<Address, size_t>> counts_ = std::make_shared<std::map<Address, size_t>>();
};

}  // namespace jb::signaling
