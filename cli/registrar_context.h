// What a registrar subcommand needs before it can sign: the registrar's home
// (the dev home that `jobcard node init --dev` made: genesis.json,
// keys/registrar.key, keys/registrar-pseudonym.key), the m-of-n registrar
// keys, and a node that runs the same chain.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/node_client.h"
#include "crypto/secure_buffer.h"
#include "crypto/sign.h"
#include "ledger/genesis.h"
#include "ledger/tx.h"

namespace jobcard::cli {

// The options every registrar subcommand takes besides its own.
OptionSpec WithRegistrarOptions(OptionSpec spec);
inline constexpr const char* kRegistrarOptionsHelp =
    "  --home DIR            the registrar's home (default ./devnet): its genesis.json and keys/\n"
    "  --registrar-key FILE  a registrar key file; repeat it for an m-of-n quorum\n"
    "                        (default DIR/keys/registrar.key: the dev registrar is 1-of-1)\n";

struct RegistrarContext {
  std::filesystem::path home;
  ledger::Genesis genesis;
  std::vector<crypto::SigningKey> keys;  // unlocked, each one a genesis registrar key
};

// Reads DIR/genesis.json, checks that `node` runs that chain, unlocks the
// registrar keys and checks that each is a registrar key of the genesis and
// that there are at least m of them. Key files of a dev home open with the
// dev passphrase when $JOBCARD_PASSPHRASE is unset.
Result<RegistrarContext> OpenRegistrar(const Args& args, NodeClient& node);

// Adds every registrar signature.
void SignAsRegistrar(ledger::Tx& tx, const RegistrarContext& registrar);

// The registrar's pseudonym key (hex in DIR/keys/registrar-pseudonym.key,
// mode 0600), kept in locked memory.
Result<crypto::SecureBuffer> ReadPseudonymKey(const std::filesystem::path& home);

// A public key given as --<role>-key FILE (the key file's stated public key;
// no passphrase needed) or --<role>-pub HEX; exactly one of them.
Result<crypto::PublicKey> PublicKeyOption(const Args& args, const std::string& role);

}  // namespace jobcard::cli
