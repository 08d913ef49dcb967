/* SPDX-License-Identifier: MIT */
/*
 * plist.h - priority-sorted intrusive list, after the kernel's lib/plist.c.
 *
 * Lower prio value = higher priority; nodes of equal prio stay FIFO.
 *
 *   head.node_list: every node, sorted by prio, FIFO within a prio
 *   node.prio_list: links only the first node of each distinct prio
 *
 *   head -> [10]a -> [10]b -> [50]c -> [100]d -> [100]e     (node_list)
 *           [10]a ---------> [50]c -> [100]d                 (prio_list)
 *
 * plist_add is O(K) in the number of distinct priorities present, plist_del
 * is O(1).  plist_check() verifies the structure; it runs from the unit
 * tests and, in FX_DEBUG builds, after every mutation.
 */
#ifndef FX_PLIST_H
#define FX_PLIST_H

#include <stdbool.h>

#include "list.h"

struct plist_head {
	struct list_head node_list;
};

struct plist_node {
	int prio;
	struct list_head prio_list;
	struct list_head node_list;
};

static inline void plist_head_init(struct plist_head *h)
{
	list_init(&h->node_list);
}

static inline void plist_node_init(struct plist_node *n, int prio)
{
	n->prio = prio;
	list_init(&n->prio_list);
	list_init(&n->node_list);
}

static inline bool plist_head_empty(const struct plist_head *h)
{
	return list_empty(&h->node_list);
}

/* plist_node_empty - true when @n is on no list. */
static inline bool plist_node_empty(const struct plist_node *n)
{
	return list_empty(&n->node_list);
}

static inline struct plist_node *plist_first(const struct plist_head *h)
{
	return list_entry(h->node_list.next, struct plist_node, node_list);
}

/**
 * plist_add - add @node to @head, behind all nodes of the same prio
 * @node: a node that is on no list
 * @head: the list
 */
void plist_add(struct plist_node *node, struct plist_head *head);

/**
 * plist_del - remove @node from @head
 * @node: a node on @head
 * @head: the list
 */
void plist_del(struct plist_node *node, struct plist_head *head);

/**
 * plist_requeue - move @node behind the last node of its own prio
 * @node: a node on @head
 * @head: the list
 */
void plist_requeue(struct plist_node *node, struct plist_head *head);

/**
 * plist_check - verify ordering and the prio_list links of @head
 * @head: the list
 *
 * Return: 0 if consistent, -EUCLEAN if not.
 */
int plist_check(const struct plist_head *head);

/* plist_count - number of nodes on @head (O(n)). */
unsigned plist_count(const struct plist_head *head);

#define plist_for_each_entry(pos, head, m)	\
	list_for_each_entry(pos, &(head)->node_list, m.node_list)

#define plist_for_each_entry_safe(pos, n, head, m)	\
	list_for_each_entry_safe(pos, n, &(head)->node_list, m.node_list)

#endif /* FX_PLIST_H */
