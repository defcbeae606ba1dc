// Who may read what: the store's policies, the read rule as SQL for filtered queries, and the same rule explained
// for one item (Collaborative-Memory style: a deny wins, then own, shared, or allowed by a policy).
#include "AgentStoreInternal.hpp"
#include "Sqlite.hpp"

#include <limits>

namespace mnemo::agentmem {

namespace {

const char *objectColumn(const std::string &kind) {
    if (kind == "item") return "i.id";
    if (kind == "user") return "i.user_id";
    if (kind == "agent") return "i.agent_id";
    if (kind == "app") return "i.app_id";
    if (kind == "tier") return "i.tier";
    if (kind == "scope") return "i.scope";
    if (kind == "kind") return "i.kind";
    if (kind == "thread") return "i.thread_id";
    return nullptr;
}

} // namespace

bool policyApplies(const Policy &p, const std::string &principal, int64_t t) {
    return (p.subjectId == principal || p.subjectId == "*") && p.validFromUs <= t &&
           (!p.validToUs || *p.validToUs > t);
}

// The read rule as SQL: not denied, and own, shared or explicitly allowed.
void addAccessCondition(Where &w, const std::vector<Policy> &policies, const std::string &principal, int64_t t) {
    std::string allow, deny;
    std::vector<Bind> allowBinds, denyBinds;
    for (const Policy &p : policies) {
        if (!policyApplies(p, principal, t)) continue;
        const char *col = objectColumn(p.objectKind);
        if (!col) continue;
        std::string cond = p.objectId == "*" ? std::string(col) + " IS NOT NULL" : std::string(col) + " = ?";
        std::string &target = p.effect == "deny" ? deny : allow;
        std::vector<Bind> &binds = p.effect == "deny" ? denyBinds : allowBinds;
        target += (target.empty() ? "" : " OR ") + cond;
        if (p.objectId != "*") binds.push_back(p.objectId);
    }
    std::string visible = "(i.user_id = ? OR i.agent_id = ? OR i.app_id = ? OR i.scope = 'shared'";
    if (!allow.empty()) visible += " OR " + allow;
    visible += ")";
    std::string cond = visible;
    if (!deny.empty()) cond = "NOT (" + deny + ") AND " + visible;
    w.conds.push_back("(" + cond + ")");
    for (const Bind &b : denyBinds) w.binds.push_back(b);
    w.binds.push_back(principal);
    w.binds.push_back(principal);
    w.binds.push_back(principal);
    for (const Bind &b : allowBinds) w.binds.push_back(b);
}

Result<std::vector<Policy>> AgentStore::policies() const {
    sql::Stmt q(*m_db, "SELECT seq, subject_id, object_kind, object_id, effect, valid_from_us, valid_to_us FROM policies ORDER BY seq");
    std::vector<Policy> out;
    while (q.step()) out.push_back({q.i64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5), q.optI64(6)});
    if (!q.ok()) return q.status();
    return out;
}

Result<AccessDecision> AgentStore::explainAccess(const MemoryItem &it, const std::string &principal,
                                                 std::optional<int64_t> atUs) const {
    auto policies = this->policies();
    if (!policies.ok()) return policies.status();
    return explainAccess(it, principal, atUs, policies.value());
}

AccessDecision AgentStore::explainAccess(const MemoryItem &it, const std::string &principal,
                                         std::optional<int64_t> atUs, const std::vector<Policy> &policies) const {
    int64_t t = atUs.value_or(std::numeric_limits<int64_t>::max() - 1);
    auto matches = [&](const Policy &p) {
        std::string value;
        if (p.objectKind == "item") value = it.id;
        else if (p.objectKind == "user") value = it.userId;
        else if (p.objectKind == "agent") value = it.agentId;
        else if (p.objectKind == "app") value = it.appId;
        else if (p.objectKind == "tier") value = it.tier;
        else if (p.objectKind == "scope") value = it.scope;
        else if (p.objectKind == "kind") value = it.kind;
        else if (p.objectKind == "thread") value = it.threadId;
        else return false;
        return p.objectId == "*" ? !value.empty() : value == p.objectId;
    };
    for (const Policy &p : policies) {
        if (p.effect == "deny" && policyApplies(p, principal, t) && matches(p)) {
            return AccessDecision{false, "denied by policy #" + std::to_string(p.seq) + " (" + p.subjectId + " -/-> " +
                                             p.objectKind + ":" + p.objectId + ")"};
        }
    }
    if (!principal.empty() && (it.userId == principal || it.agentId == principal || it.appId == principal)) {
        return AccessDecision{true, "own"};
    }
    if (it.scope == "shared") return AccessDecision{true, "shared"};
    for (const Policy &p : policies) {
        if (p.effect == "allow" && policyApplies(p, principal, t) && matches(p)) {
            return AccessDecision{true, "allowed by policy #" + std::to_string(p.seq) + " (" + p.subjectId + " -> " +
                                            p.objectKind + ":" + p.objectId + ")"};
        }
    }
    std::string owner = !it.userId.empty() ? it.userId : !it.agentId.empty() ? it.agentId : it.appId;
    return AccessDecision{false, owner.empty() ? "private, no policy grants it" : "private to " + owner};
}

} // namespace mnemo::agentmem
