// soc278/model/bind.hpp
//
// Provides bind_request(): a validated 278 request's loop tree -> AuthorizationRequest. The binder
// is generic: it knows nothing of segment positions. It walks the tree and, for every element or
// component the guide marks with `bind: <scope>.<field>` (grammars/README.md section 4), files the
// value under that name with its SourcePosition. Values that belong together (the three DTP binds,
// the PWK binds, a TRN, a UM) are gathered per segment into one record. Entering a loop opens the
// record it stands for (2000D a dependent, 2000F a service line, 2010EA / 2010F a provider).
//
// Called by the pipeline for every transaction the validator accepted and whose guide is the 278
// request. Values the guide validated but that do not parse as their model type (a procedure code
// that is not HCPCS/CPT, a diagnosis that is not ICD-10) are kept as text and the typed field is
// left empty; the evaluator decides what that means.
//
// RequestBinder does the same for a stream of transactions: it remembers, per guide segment
// occurrence, which elements carry a bind and what they name, so each transaction pays only for
// reading its values. bind_into() also reuses the caller's request: it is cleared (nothing of the
// previous transaction remains) but its strings and vectors keep their buffers, so a pipeline that
// binds set after set stops allocating once they have grown. The GuideSet the transactions were
// validated against must outlive it; one binder per thread (it is not synchronised).
#pragma once

#include <memory>

#include "soc278/ig/walker.hpp"
#include "soc278/model/authorization_request.hpp"
#include "soc278/x12/envelope.hpp"

namespace soc278::model {

class RequestBinder {
 public:
  RequestBinder();
  ~RequestBinder();
  RequestBinder(RequestBinder&&) noexcept;
  RequestBinder& operator=(RequestBinder&&) noexcept;

  // As bind_request().
  [[nodiscard]] AuthorizationRequest bind(const ig::TransactionResult& transaction, const x12::InterchangeInfo& interchange,
                                          const x12::GroupInfo& group, const x12::TransactionInfo& info);
  // The same request, written into `request`: every field is replaced, equal to what bind() returns
  // for this transaction whatever `request` held before, but its buffers are kept for reuse.
  void bind_into(AuthorizationRequest& request, const ig::TransactionResult& transaction,
                 const x12::InterchangeInfo& interchange, const x12::GroupInfo& group, const x12::TransactionInfo& info);

  struct Plans;  // private to bind.cpp

 private:
  std::unique_ptr<Plans> plans_;
};

[[nodiscard]] AuthorizationRequest bind_request(const ig::TransactionResult& transaction, const x12::InterchangeInfo& interchange,
                                                const x12::GroupInfo& group, const x12::TransactionInfo& info);

}  // namespace soc278::model
